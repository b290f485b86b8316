/**
 * `{{name}}` placeholders in prompt bodies. Pure and dependency-free: the Worker uses it to
 * list a prompt's variables and the site imports it to fill them in.
 */

/** Letters (any script), digits, `_`, `-` and inner spaces; spaces around the name are trimmed. */
const PLACEHOLDER = /\{\{\s*([\p{L}\p{N}_-][\p{L}\p{N}_ -]*?)\s*\}\}/gu;

/** The distinct variable names in a body, in order of first appearance. */
export function extractVariables(body: string): string[] {
  const names: string[] = [];
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Thrown by fillPrompt when values are missing for some variables. */
export class MissingVariablesError extends Error {
  readonly missing: string[];

  constructor(missing: string[]) {
    super(`Missing value for ${missing.map((name) => `{{${name}}}`).join(', ')}`);
    this.name = 'MissingVariablesError';
    this.missing = missing;
  }
}

/**
 * Replaces every placeholder with its value, in one pass (a value that itself contains
 * `{{…}}` is inserted as written). Throws MissingVariablesError naming every variable that
 * has no value; an empty string is a value.
 */
export function fillPrompt(body: string, values: Readonly<Record<string, string>>): string {
  const missing = extractVariables(body).filter((name) => !Object.hasOwn(values, name));
  if (missing.length > 0) throw new MissingVariablesError(missing);
  return body.replace(PLACEHOLDER, (_whole, name: string) => values[name] ?? '');
}
