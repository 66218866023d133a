import { Controller, Get, Header, Res } from '@nestjs/common';
import { OrderlyMetrics } from './orderly-metrics.js';

interface ContentTypeSink {
  setHeader(name: string, value: string): unknown;
}

/** Prometheus scrape endpoint (text exposition format). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: OrderlyMetrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Res({ passthrough: true }) response: ContentTypeSink): Promise<string> {
    const { contentType, body } = await this.metrics.render();
    response.setHeader('Content-Type', contentType);
    return body;
  }
}
