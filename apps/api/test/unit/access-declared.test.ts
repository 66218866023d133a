// The security rule "every route says who may call it", shown failing on a planted violation.
import { Controller, Get, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiOperation, Public, RequireScope } from '@orderly/kernel';
import { accessGaps, checkAccessDeclared, discoverRoutes } from '@orderly/host';

@Controller('planted')
class PlantedController {
  @Get()
  @Public()
  @ApiOperation({ summary: 'declared public' })
  list() {
    return [];
  }

  @Post()
  @RequireScope('catalog:write')
  create() {
    return {};
  }

  // The violation: a route that says nothing about access.
  @Post('forgotten')
  forgotten() {
    return {};
  }
}

it('stops the start when a route declares neither @Public() nor @RequireScope(), naming it', async () => {
  const module = await Test.createTestingModule({ controllers: [PlantedController] }).compile();
  const app = module.createNestApplication({ logger: false });
  try {
    const routes = discoverRoutes(app);
    expect(accessGaps(routes)).toEqual(['POST /planted/forgotten (PlantedController.forgotten)']);
    expect(() => checkAccessDeclared(routes)).toThrow(/neither @Public\(\) nor @RequireScope\(...\):\n {2}POST \/planted\/forgotten/);
    expect(() => checkAccessDeclared(routes.filter((r) => r.handlerName !== 'forgotten'))).not.toThrow();
  } finally {
    await app.close();
  }
});
