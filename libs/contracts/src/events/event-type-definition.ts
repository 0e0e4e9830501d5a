/** The subset of JSON Schema (draft 2020-12 / AsyncAPI Schema Object) the payload schemas use. */
export interface JsonSchema {
  title?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: readonly unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  examples?: readonly unknown[];
}

export interface EventTypeDefinition {
  /** The `ce_type`: reverse-DNS with a major version suffix; frozen once published. */
  type: string;
  /** The `content-type` its records carry. */
  contentType: string;
  /** The class-validator class its JSON data must satisfy; absent when the data is text or free-form JSON. */
  payload?: new () => object;
  description: string;
  /** The documented example of the data (the golden sample's value). */
  example: unknown;
  /** JSON Schema of the data, kept beside the payload class; the AsyncAPI document is built from it. */
  schema?: JsonSchema;
}
