import { DeliveryExecutor } from '../delivery-executor';
import { DeliverySettings } from '../delivery-settings';
import { testSettings } from '../testing/delivery-settings.fixture';
import { deliverOnce } from '../testing/deliver';
import { lifecycleMessage } from '../testing/lifecycle-fixture';
import { LocalHttpServer, Reply, startHttpServer } from '../testing/local-http-server';
import { RecordingLogger } from '../testing/recording-logger';

interface SlackBody {
  text: string;
  blocks: {
    type: string;
    text?: { type: string; text: string };
    fields?: { type: string; text: string }[];
  }[];
}
interface DiscordBody {
  content: string;
  allowed_mentions: unknown;
  embeds: {
    color: number;
    timestamp: string;
    fields: { name: string; value: string; inline: boolean }[];
  }[];
}
interface TeamsBody {
  type: string;
  attachments: {
    contentType: string;
    content: {
      type: string;
      version: string;
      body: { type: string; text?: string; facts?: unknown[] }[];
    };
  }[];
}

const TOKEN_PATH = '/services/T0SECRET/B0SECRET/XoXbTokenThatMustNeverLeak';

describe('chat channels (Slack, Discord, Teams)', () => {
  let receiver: LocalHttpServer;
  let reply: Reply;
  let logger: RecordingLogger;
  const hostile = lifecycleMessage({
    incident: {
      ruleName: 'Payments <!channel> & @everyone *bold*',
      groupKey: '<script>x</script>',
    },
  });

  beforeEach(async () => {
    logger = new RecordingLogger();
    reply = { status: 200, body: 'ok' };
    receiver = await startHttpServer(() => reply);
  });
  afterEach(() => receiver.close());

  function executor(overrides: Partial<DeliverySettings> = {}) {
    return new DeliveryExecutor(testSettings(overrides), {
      logger,
      sleep: () => Promise.resolve(),
    });
  }

  function body<T>(): T {
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0].headers['content-type']).toBe('application/json');
    return JSON.parse(receiver.requests[0].body) as T;
  }

  it('posts Slack text and blocks, escaping mentions and links', async () => {
    const { result, records } = await deliverOnce(
      executor(),
      { type: 'slack', url: `${receiver.origin}${TOKEN_PATH}` },
      hostile,
    );
    expect(result.outcome).toBe('delivered');
    expect(records[0].target).toBe('127.0.0.1');
    const slack = body<SlackBody>();
    expect(slack.text).toBe(
      '[eventmon] HIGH opened: Payments &lt;!channel&gt; &amp; @everyone *bold* (&lt;script&gt;x&lt;/script&gt;)',
    );
    expect(slack.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: 'HIGH opened: Payments <!channel> & @everyone *bold* (<script>x</script>)',
      },
    });
    // Slack mrkdwn wants &, < and > as entities; it renders them back as characters.
    expect(slack.blocks[1].text?.text).toBe('count &gt;= 5 over a 60 s sliding window (value 7)');
    const fields = slack.blocks[2].fields ?? [];
    expect(fields.length).toBeLessThanOrEqual(10);
    expect(fields[0]).toEqual({
      type: 'mrkdwn',
      text: '*Rule*\nPayments &lt;!channel&gt; &amp; @everyone *bold* (payment-exceptions)',
    });
    expect(JSON.stringify(slack)).not.toContain('<!channel>"');
  });

  it('reads the Slack URL from the env var the channel names', async () => {
    const { result } = await deliverOnce(
      executor({ env: { CHANNEL_SLACK_PAYMENTS_URL: `${receiver.origin}${TOKEN_PATH}` } }),
      {
        type: 'slack',
        urlEnv: 'CHANNEL_SLACK_PAYMENTS_URL',
      },
    );
    expect(result.outcome).toBe('delivered');
    expect(receiver.requests[0].path).toBe(TOKEN_PATH);
  });

  it('posts Discord content and an embed, with mentions disabled', async () => {
    reply = { status: 204 };
    const { result } = await deliverOnce(
      executor(),
      { type: 'discord', url: `${receiver.origin}/api/webhooks/1/tok` },
      hostile,
    );
    expect(result.outcome).toBe('delivered');
    const discord = body<DiscordBody>();
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.content).toBe(
      '[eventmon] HIGH opened: Payments <!channel> & @everyone \\*bold\\* (<script>x</script>)',
    );
    const [embed] = discord.embeds;
    expect(embed.color).toBe(0xe8590c);
    expect(embed.timestamp).toBe(hostile.at);
    expect(embed.fields).toContainEqual({
      name: 'Group',
      value: '<script>x</script>',
      inline: true,
    });
    expect(embed.fields).toContainEqual({
      name: 'Rule',
      value: 'Payments <!channel> & @everyone \\*bold\\* (payment-exceptions)',
      inline: true,
    });
    expect(embed.fields).toContainEqual({ name: 'Severity', value: 'high', inline: true });
  });

  it('posts Teams a message with an Adaptive Card attachment', async () => {
    reply = { status: 202 };
    const { result } = await deliverOnce(executor(), {
      type: 'teams',
      url: `${receiver.origin}/workflows/abc?sig=s3cr3t`,
    });
    expect(result.outcome).toBe('delivered');
    const teams = body<TeamsBody>();
    expect(teams.type).toBe('message');
    expect(teams.attachments).toHaveLength(1);
    const [attachment] = teams.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    const [title, condition, facts] = attachment.content.body;
    expect(title).toMatchObject({
      type: 'TextBlock',
      text: 'HIGH opened: Payment exceptions (client-42)',
      color: 'Attention',
    });
    expect(condition.text).toBe('count >= 5 over a 60 s sliding window (value 7)');
    expect(facts.type).toBe('FactSet');
    expect(facts.facts).toContainEqual({
      title: 'Incident',
      value: '7d9f3c1e-2b4a-5c6d-8e9f-0a1b2c3d4e5f',
    });
  });

  it('never shows the secret path of a failing Slack URL, even when the receiver echoes it', async () => {
    reply = { status: 404, body: `no_service for ${TOKEN_PATH}` };
    const { result, records } = await deliverOnce(executor(), {
      type: 'slack',
      url: `${receiver.origin}${TOKEN_PATH}`,
    });
    expect(result).toEqual({
      outcome: 'failed',
      attempts: 1,
      error: 'HTTP 404: no_service for [redacted]',
    });
    const everything = JSON.stringify({ result, records }) + logger.text();
    for (const secret of ['XoXbTokenThatMustNeverLeak', 'T0SECRET', 'B0SECRET']) {
      expect(everything).not.toContain(secret);
    }
    expect(records[0].target).toBe('127.0.0.1');
  });

  it('never shows the secret query of a Teams URL in a network error', async () => {
    const gone = await startHttpServer(() => ({ status: 200 }));
    const url = `${gone.origin}/workflows/abc?sig=TeamsSignatureSecret`;
    await gone.close();
    const { result, records } = await deliverOnce(executor({ maxAttempts: 2 }), {
      type: 'teams',
      url,
    });
    expect(result.outcome).toBe('failed');
    expect(result.error).toContain('ECONNREFUSED');
    expect(JSON.stringify({ result, records })).not.toContain('TeamsSignatureSecret');
  });

  it('fails at once with a clear error when the URL env var is unset or not a URL, never echoing its value', async () => {
    const unset = await deliverOnce(executor(), {
      type: 'slack',
      urlEnv: 'CHANNEL_SLACK_PAYMENTS_URL',
    });
    expect(unset.result).toEqual({
      outcome: 'failed',
      attempts: 1,
      error: 'env CHANNEL_SLACK_PAYMENTS_URL (the slack URL) is not set',
    });
    expect(unset.records[0].target).toBe('env CHANNEL_SLACK_PAYMENTS_URL');

    const garbage = await deliverOnce(
      executor({ env: { CHANNEL_DISCORD_URL: 'hunter2-not-a-url' } }),
      {
        type: 'discord',
        urlEnv: 'CHANNEL_DISCORD_URL',
      },
    );
    expect(garbage.result.error).toBe(
      'the discord URL in env CHANNEL_DISCORD_URL is not a valid URL',
    );
    expect(JSON.stringify(garbage)).not.toContain('hunter2');

    const internal = await deliverOnce(
      executor({
        allowedHosts: [],
        env: { CHANNEL_TEAMS_URL: 'http://169.254.169.254/latest/meta-data/iam' },
      }),
      {
        type: 'teams',
        urlEnv: 'CHANNEL_TEAMS_URL',
      },
    );
    expect(internal.result.error).toBe(
      'the teams URL in env CHANNEL_TEAMS_URL is refused: 169.254.169.254 is a metadata address; only public addresses may be reached unless the host or address is allowed',
    );
    expect(receiver.requests).toHaveLength(0);
  });
});
