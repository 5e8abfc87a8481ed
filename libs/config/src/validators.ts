import { accessSync, constants, statSync } from 'node:fs';
import { ValidateBy, ValidationArguments } from 'class-validator';

const isSet = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

/** A path to a file this process can read, or nothing; checked at start-up, not at first use. */
export const ReadableFile = (): PropertyDecorator =>
  ValidateBy({
    name: 'readableFile',
    validator: {
      validate: (value: unknown) => !isSet(value) || readProblem(String(value)) === undefined,
      defaultMessage: ({ value }: ValidationArguments) =>
        `cannot read ${String(value)}: ${readProblem(String(value))}`,
    },
  });

function readProblem(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return 'not a file';
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

/** The setting must be set whenever `condition` holds (`because` names what asks for it). */
export const RequiredWhen = <T>(condition: (config: T) => boolean, because: string) =>
  ValidateBy({
    name: 'requiredWhen',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        isSet(value) || !condition(args!.object as T),
      defaultMessage: () => `is required with ${because}`,
    },
  });

/** The setting means something only when `condition` holds: setting it otherwise is a mistake. */
export const OnlyWith = <T>(condition: (config: T) => boolean, requirement: string) =>
  ValidateBy({
    name: 'onlyWith',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        !isSet(value) || condition(args!.object as T),
      defaultMessage: () => `has no effect without ${requirement}`,
    },
  });
