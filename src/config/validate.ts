/**
 * Validates an options document against OPTIONS_SCHEMA and the rules beyond it, collecting every
 * problem. Mirrors the Supervisor's own handling (supervisor/apps/options.py @090ef31e): scalar
 * values are coerced (str(), vol.Coerce(int), vol.Boolean()), options with a default may be left out.
 */
import { Ajv } from "ajv";
import { problemFromAjvError } from "./ajv-messages.js";
import { inferConnection } from "./connection.js";
import { checkInfluxOptions } from "./influx-options.js";
import { checkMeters } from "./meter-rules.js";
import { checkHttpOptions } from "./http-server.js";
import { OPTIONS_SCHEMA } from "./options-schema.js";
import type { ConfigProblem } from "./problems.js";
import type { RawOptions } from "./raw-options.js";
import { checkResetDate, checkScalerOverrides } from "./rules.js";
import { checkHomeAssistantOptions, checkTariffOptions } from "./tariff-rules.js";

const ajv = new Ajv({
  allErrors: true,
  verbose: true,
  useDefaults: true,
  coerceTypes: true,
  strict: true,
  // The if/then rules name properties declared by the enclosing schema, which strictRequired cannot see.
  strictRequired: false,
});
// Annotation only: the human wording of a pattern, read by ajv-messages.ts.
ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
const validateSchema = ajv.compile(OPTIONS_SCHEMA);

export type ValidationResult =
  | { readonly ok: true; readonly options: RawOptions }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export function validateOptions(document: unknown): ValidationResult {
  // ajv fills in defaults and coerces in place: work on a copy, never on the caller's object.
  const data = withoutEmptyValues(
    document === undefined || document === null ? {} : structuredClone(document),
  );
  const inferred = inferConnection(data);
  const valid = validateSchema(data);
  const problems: ConfigProblem[] = [...inferred.problems];
  for (const error of validateSchema.errors ?? []) {
    const problem = withImpliedConnection(problemFromAjvError(error), inferred.impliedBy);
    if (
      problem !== null &&
      !problems.some((known) => known.path === problem.path && known.message === problem.message)
    ) {
      problems.push(problem);
    }
  }
  problems.push(
    ...checkScalerOverrides(data),
    ...checkResetDate(data),
    ...checkTariffOptions(data),
    ...checkHomeAssistantOptions(data),
    ...checkHttpOptions(data),
    ...checkInfluxOptions(data),
    ...checkMeters(data),
  );
  if (valid && problems.length === 0) return { ok: true, options: data as RawOptions };
  return { ok: false, problems };
}

/** "required when meter.connection is "tcp"" reads wrong to someone who never wrote the connection. */
function withImpliedConnection(problem: ConfigProblem | null, impliedBy: string | undefined) {
  if (problem === null || impliedBy === undefined) return problem;
  return {
    ...problem,
    message: problem.message.replace(/(when meter\.connection is "\w+")/, `$1 (implied by ${impliedBy})`),
  };
}

/**
 * `key:` with nothing after it (YAML null) and an emptied text field ("") both mean "not set", as
 * they do for the Supervisor, which leaves unset optional options out of /data/options.json.
 */
function withoutEmptyValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyValues);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).filter(([, inner]) => inner !== null && inner !== "");
  return Object.fromEntries(entries.map(([key, inner]) => [key, withoutEmptyValues(inner)]));
}
