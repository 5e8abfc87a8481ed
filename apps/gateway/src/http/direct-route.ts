import {
  CanActivate,
  ExceptionFilter,
  ExecutionContext,
  ForbiddenException,
  HttpArgumentsHost,
  HttpStatus,
  PipeTransform,
  RequestMethod,
  RpcArgumentsHost,
  Type,
  WsArgumentsHost,
} from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  HEADERS_METADATA,
  HTTP_CODE_METADATA,
  INTERCEPTORS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { NextFunction, Request, Response } from 'express';
import { isObservable, lastValueFrom } from 'rxjs';

/** What Nest applies to every route of the application, as instances. */
export interface GlobalEnhancers {
  /** The global guards, in the order Nest runs them. */
  guards: readonly CanActivate[];
  /** The global pipe (Nest runs it on every parameter: here, the one @Body()). */
  pipe: PipeTransform;
  /** The global exception filter (@Catch() of everything). */
  filter: ExceptionFilter;
  /** Nest's HTTP adapter's `reply`: how Nest answers with a handler's return value. */
  reply: (response: Response, body: unknown, statusCode: number) => void;
}

/** An Express route that answers a Nest controller method without Nest's router. */
export interface DirectRoute {
  method: 'post' | 'get';
  path: string;
  handle: (req: Request, res: Response, next: NextFunction) => Promise<void>;
}

/** Nest's ExecutionContext of an HTTP request to `handler` of `controller`: what guards read. */
export class HttpRouteContext implements ExecutionContext, HttpArgumentsHost {
  private readonly args: [Request, Response, NextFunction];

  constructor(
    private readonly controller: Type<unknown>,
    private readonly handler: (...args: never[]) => unknown,
    req: Request,
    res: Response,
    next: NextFunction,
  ) {
    this.args = [req, res, next];
  }

  getClass<T>(): Type<T> {
    return this.controller as Type<T>;
  }
  getHandler(): (...args: never[]) => unknown {
    return this.handler;
  }
  getArgs<T extends unknown[]>(): T {
    return this.args as unknown as T;
  }
  getArgByIndex<T>(index: number): T {
    return this.args[index] as T;
  }
  getType<T extends string>(): T {
    return 'http' as T;
  }
  switchToHttp(): HttpArgumentsHost {
    return this;
  }
  getRequest<T>(): T {
    return this.args[0] as T;
  }
  getResponse<T>(): T {
    return this.args[1] as T;
  }
  getNext<T>(): T {
    return this.args[2] as T;
  }
  switchToRpc(): RpcArgumentsHost {
    throw new Error('an HTTP route context has no RPC arguments');
  }
  switchToWs(): WsArgumentsHost {
    throw new Error('an HTTP route context has no WebSocket arguments');
  }
}

/** Nest's message when a guard answers false instead of throwing (FORBIDDEN_MESSAGE). */
const FORBIDDEN_MESSAGE = 'Forbidden resource';

/** What a direct route's one parameter is: the whole body of a POST, the whole query of a GET. */
const ARGUMENT_OF = {
  [RequestMethod.POST]: {
    method: 'post',
    param: RouteParamtypes.BODY,
    type: 'body',
    decorator: '@Body()',
  },
  [RequestMethod.GET]: {
    method: 'get',
    param: RouteParamtypes.QUERY,
    type: 'query',
    decorator: '@Query()',
  },
} as const;

/**
 * The POST or GET route of `controller.methodName`, answered from Express directly: the same
 * global guards in the same order, the global pipe on the body (POST) or the query (GET), the
 * method itself, Nest's own reply and the global filter for anything thrown. Nest's router
 * gives the same answer at a higher CPU cost per request (its route lookup, context and
 * consumer objects, promise chains), which is what a route taking one small event per request,
 * or reading a page of events, is made of.
 *
 * Everything is read from the method's Nest metadata (path, status code, parameter type), so
 * the route cannot drift from its declaration; a method with anything this does not apply
 * (its own guards, interceptors, pipes, filters or headers, a parameter other than one
 * whole @Body() for a POST or one whole @Query() for a GET) is refused at start-up rather than
 * answered differently.
 */
export function directRoute<C extends object>(
  controller: C,
  methodName: keyof C & string,
  enhancers: GlobalEnhancers,
): DirectRoute {
  const controllerClass = controller.constructor as Type<C>;
  const handler = controller[methodName] as (body: unknown) => unknown;
  const where = `${controllerClass.name}.${methodName}`;
  const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
  if (requestMethod !== RequestMethod.POST && requestMethod !== RequestMethod.GET) {
    throw new Error(`${where} is neither a POST nor a GET route: it cannot be served directly`);
  }
  const argumentOf = ARGUMENT_OF[requestMethod];
  for (const key of [
    GUARDS_METADATA,
    INTERCEPTORS_METADATA,
    PIPES_METADATA,
    EXCEPTION_FILTERS_METADATA,
    HEADERS_METADATA,
  ]) {
    if (Reflect.getMetadata(key, handler) || Reflect.getMetadata(key, controllerClass)) {
      throw new Error(`${where} has its own ${key}: it cannot be served directly`);
    }
  }
  const params = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controllerClass, methodName) ??
    {}) as Record<string, { index: number; data?: unknown; pipes?: unknown[] }>;
  const param = params[`${argumentOf.param}:0`];
  if (
    Object.keys(params).length !== 1 ||
    !param ||
    param.data !== undefined ||
    (param.pipes?.length ?? 0) > 0
  ) {
    throw new Error(
      `${where} must take exactly one whole ${argumentOf.decorator} to be served directly`,
    );
  }
  const [metatype] = Reflect.getMetadata('design:paramtypes', controller, methodName) as [
    Type<unknown>,
  ];
  // Nest's defaults: 201 for a POST, 200 for anything else.
  const statusCode =
    (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
    (requestMethod === RequestMethod.POST ? HttpStatus.CREATED : HttpStatus.OK);
  const path = routePath(
    Reflect.getMetadata(PATH_METADATA, controllerClass) as string,
    Reflect.getMetadata(PATH_METADATA, handler) as string,
  );
  const { guards, pipe, filter, reply } = enhancers;

  const { type } = argumentOf;
  return {
    method: argumentOf.method,
    path,
    handle: async (req, res, next) => {
      const context = new HttpRouteContext(controllerClass, handler, req, res, next);
      try {
        for (const guard of guards) {
          const allowed = guard.canActivate(context);
          if (!(await (isObservable(allowed) ? lastValueFrom(allowed) : allowed))) {
            throw new ForbiddenException(FORBIDDEN_MESSAGE);
          }
        }
        const value: unknown = type === 'body' ? req.body : req.query;
        const argument: unknown = await pipe.transform(value, { type, metatype });
        reply(res, await handler.call(controller, argument), statusCode);
      } catch (error) {
        filter.catch(error, context);
      }
    },
  };
}

/** `api/events` and `/` as Nest joins them: `/api/events`. */
function routePath(controllerPath: string, methodPath: string): string {
  const parts = [controllerPath, methodPath].flatMap((part) => part.split('/')).filter(Boolean);
  return `/${parts.join('/')}`;
}
