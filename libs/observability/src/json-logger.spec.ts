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

  it('drops entries below its level', () => {
    logger.debug('noise');
    expect(lines).toHaveLength(0);
  });
});
