import { Writable } from 'node:stream';

/** Every byte the app logged, as written: the log searches for personal data read it whole. */
export class RawLog extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}
