import type { NextFunction, Request, Response } from 'express';

/** How body-parser reports a body it refused (and json-body-reader, reading the same way). */
export interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * body-parser reports a bad body before any route runs, so Nest's exception filters never
 * see it: this Express error handler answers in the API's own error shape instead of an HTML
 * page, with what is wrong.
 */
export function bodyErrorHandler(limitBytes: number) {
  return (error: BodyParserError, _req: Request, res: Response, next: NextFunction): void => {
    const answer = (statusCode: number, message: string, name: string) =>
      void res.status(statusCode).json({ statusCode, message, error: name });
    switch (error.type) {
      case 'entity.parse.failed':
        return answer(400, `malformed JSON body: ${error.message}`, 'Bad Request');
      case 'entity.too.deep':
        return answer(400, error.message, 'Bad Request');
      case 'entity.too.large':
        return answer(
          413,
          `request body larger than the limit of ${limitBytes} bytes`,
          'Payload Too Large',
        );
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return answer(415, error.message, 'Unsupported Media Type');
      case 'request.aborted':
        return answer(400, 'request body aborted by the client', 'Bad Request');
      default:
        return next(error);
    }
  };
}
