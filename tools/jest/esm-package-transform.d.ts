/** Types of the Jest transform next to this file (plain JavaScript, as Jest loads it). */
declare const transform: {
  process(sourceText: string, sourcePath: string): { code: string };
  getCacheKey(sourceText: string, sourcePath: string): string;
};
export = transform;
