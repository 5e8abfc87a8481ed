import {
  BadRequestException,
  Body,
  CanActivate,
  Controller,
  ExceptionFilter,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { directRoute, GlobalEnhancers } from './direct-route';

class Thing {
  name!: string;
}

class ThingQuery {
  limit?: number;
}

@Controller('api/things')
class ThingsController {
  readonly received: unknown[] = [];

  @Post()
  @HttpCode(202)
  publish(@Body() body: Thing): { ok: true } {
    this.received.push(body);
    if ((body as { fail?: boolean }).fail) throw new BadRequestException('no');
    return { ok: true };
  }

  @Post(':id')
  byId(@Param('id') id: string, @Body() body: unknown): unknown {
    return { id, body };
  }

  @Get()
  list(@Query() query: ThingQuery): unknown[] {
    return [query];
  }

  @Get(':id')
  one(@Param('id') id: string): unknown {
    return { id };
  }

  @Put()
  replace(@Body() body: Thing): unknown {
    return body;
  }

  @Post('guarded')
  @UseGuards(
    class implements CanActivate {
      canActivate = () => true;
    },
  )
  guarded(@Body() body: unknown): unknown {
    return body;
  }
}

/** Enhancers that note what they were given, in order. */
function recordingEnhancers(allow: boolean[] = [true, true]) {
  const seen: string[] = [];
  const enhancers: GlobalEnhancers = {
    guards: allow.map((allowed, index) => ({
      canActivate: (context) => {
        seen.push(`guard ${index} ${context.getClass().name}.${context.getHandler().name}`);
        return Promise.resolve(allowed);
      },
    })),
    pipe: {
      transform: (value: unknown, metadata) => {
        seen.push(`pipe ${metadata.type} ${metadata.metatype?.name}`);
        return value;
      },
    },
    filter: {
      catch: (error: Error) => seen.push(`filter ${error.constructor.name}: ${error.message}`),
    } as ExceptionFilter,
    reply: (_response, body, statusCode) =>
      seen.push(`reply ${statusCode} ${JSON.stringify(body)}`),
  };
  return { seen, enhancers };
}

const request = (body: unknown, query: unknown = {}) =>
  [{ body, query } as Request, {} as Response, (() => undefined) as NextFunction] as const;

describe('directRoute', () => {
  it("takes path, status code and body type from the method's Nest metadata", async () => {
    const controller = new ThingsController();
    const { seen, enhancers } = recordingEnhancers();
    const route = directRoute(controller, 'publish', enhancers);
    expect(route).toMatchObject({ method: 'post', path: '/api/things' });

    await route.handle(...request({ name: 'a' }));
    expect(seen).toEqual([
      'guard 0 ThingsController.publish',
      'guard 1 ThingsController.publish',
      'pipe body Thing',
      'reply 202 {"ok":true}',
    ]);
    expect(controller.received).toEqual([{ name: 'a' }]);
  });

  it("gives a GET route's whole query to the pipe, and answers 200 as Nest does", async () => {
    const controller = new ThingsController();
    const { seen, enhancers } = recordingEnhancers();
    const route = directRoute(controller, 'list', enhancers);
    expect(route).toMatchObject({ method: 'get', path: '/api/things' });

    await route.handle(...request(undefined, { limit: '5' }));
    expect(seen).toEqual([
      'guard 0 ThingsController.list',
      'guard 1 ThingsController.list',
      'pipe query ThingQuery',
      'reply 200 [{"limit":"5"}]',
    ]);
  });

  it('stops at the first guard that refuses, as Nest does, and hands what is thrown to the filter', async () => {
    const controller = new ThingsController();
    const refused = recordingEnhancers([false, true]);
    await directRoute(controller, 'publish', refused.enhancers).handle(...request({}));
    expect(refused.seen).toEqual([
      'guard 0 ThingsController.publish',
      'filter ForbiddenException: Forbidden resource',
    ]);

    const failing = recordingEnhancers();
    await directRoute(controller, 'publish', failing.enhancers).handle(...request({ fail: true }));
    expect(failing.seen.at(-1)).toBe('filter BadRequestException: no');
    expect(controller.received).toEqual([{ fail: true }]);
  });

  it('refuses at start-up a method it would not answer as Nest does', () => {
    const controller = new ThingsController();
    const { enhancers } = recordingEnhancers();
    expect(() => directRoute(controller, 'byId', enhancers)).toThrow(
      'ThingsController.byId must take exactly one whole @Body() to be served directly',
    );
    expect(() => directRoute(controller, 'one', enhancers)).toThrow(
      'ThingsController.one must take exactly one whole @Query() to be served directly',
    );
    expect(() => directRoute(controller, 'replace', enhancers)).toThrow(
      'ThingsController.replace is neither a POST nor a GET route',
    );
    expect(() => directRoute(controller, 'guarded', enhancers)).toThrow(
      'ThingsController.guarded has its own __guards__',
    );
  });
});
