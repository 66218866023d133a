import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, Public } from '@orderly/kernel';
import { OrderlyMetrics } from './orderly-metrics.js';

interface ContentTypeSink {
  setHeader(name: string, value: string): unknown;
}

/** Prometheus scrape endpoint (text exposition format). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: OrderlyMetrics) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'HTTP durations by route and status, orders placed, stock refusals, outbox backlog and event delivery latency per module, process metrics.',
  })
  @ApiResponse(200, { description: 'Metrics in the Prometheus text exposition format', contentType: 'text/plain', schema: { type: 'string' } })
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) response: ContentTypeSink): Promise<string> {
    const { contentType, body } = await this.metrics.render();
    response.setHeader('Content-Type', contentType);
    return body;
  }
}
