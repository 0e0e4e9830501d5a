import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  const lines: string[] = [];
  const logger = new JsonLogger('gateway', 'info', (line) => lines.push(line));

  beforeEach(() => (lines.length = 0));

  it('writes one JSON object per line with service, level and Nest context', () => {
    logger.log('consumer joined', 'KafkaConsumer');
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'info',
      service: 'gateway',
      context: 'KafkaConsumer',
      msg: 'consumer joined',
    });
  });

  it('merges structured fields such as the correlation id', () => {
    logger.warn({ msg: 'retrying', correlationId: 'c-1' });
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'warn', correlationId: 'c-1', msg: 'retrying' });
  });

  it('keeps its own fields when a caller passes fields of the same name', () => {
    logger.log({ msg: 'x', level: 'debug', service: 'other' });
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'info', service: 'gateway' });
  });

  it('does not mistake a stack trace for the context', () => {
    logger.error('failed', 'Error: x\n    at y (z.ts:1:1)');
    expect(JSON.parse(lines[0]).context).toBeUndefined();
  });

  it('drops entries below its level', () => {
    logger.debug('noise');
    expect(lines).toHaveLength(0);
  });
});
