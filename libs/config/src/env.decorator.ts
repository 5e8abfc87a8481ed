/** Where a config property can be set from the environment, and what it means (for --help and docs). */
export interface EnvBinding {
  property: string;
  variable: string;
  description: string;
}

const ENV_BINDINGS = Symbol('eventmon:env-bindings');

type WithBindings = { [ENV_BINDINGS]?: EnvBinding[] };

/** Binds a config property to an environment variable, which overrides the YAML file. */
export function Env(variable: string, description: string): PropertyDecorator {
  return (target, property) => {
    const holder = target as WithBindings;
    // Copy instead of push so a subclass never adds bindings to its parent's list.
    const own = Object.prototype.hasOwnProperty.call(holder, ENV_BINDINGS)
      ? holder[ENV_BINDINGS]!
      : [];
    holder[ENV_BINDINGS] = [...own, { property: String(property), variable, description }];
  };
}

/** Every binding of a config class, its parents' included. */
export function envBindingsOf(configClass: abstract new () => object): EnvBinding[] {
  const bindings: EnvBinding[] = [];
  for (
    let proto = configClass.prototype as WithBindings | null;
    proto;
    proto = Object.getPrototypeOf(proto) as WithBindings | null
  ) {
    if (Object.prototype.hasOwnProperty.call(proto, ENV_BINDINGS))
      bindings.push(...proto[ENV_BINDINGS]!);
  }
  return bindings;
}
