// The types a handler may import from the layer:
//
//   import type { Context, Handler } from "/opt/runtime/shim.ts";
//
// shim.ts re-exports everything here. `import type` is erased before the
// module graph is built, so importing the types never loads the runtime.

/** Data about the calling app, from the `Lambda-Runtime-Client-Context` header (AWS Mobile SDK). */
export interface ClientContext {
  client?: {
    installationId?: string;
    appTitle?: string;
    appVersionName?: string;
    appVersionCode?: string;
    appPackageName?: string;
  };
  custom?: Record<string, unknown>;
  env?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The Amazon Cognito identity, from the `Lambda-Runtime-Cognito-Identity` header. */
export interface CognitoIdentity {
  cognitoIdentityId: string;
  cognitoIdentityPoolId: string;
  [key: string]: unknown;
}

/** The second argument of a handler, shaped like Node's Lambda context. */
export interface Context {
  /** Has no effect: a result is sent as soon as the handler's promise settles. */
  callbackWaitsForEmptyEventLoop: boolean;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  /** A string, as in Node's context. */
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly identity?: CognitoIdentity;
  readonly clientContext?: ClientContext;
  /** The tenant, from `Lambda-Runtime-Aws-Tenant-Id`; absent without one. */
  readonly tenantId?: string;
  /** This invocation's X-Ray trace header, from `Lambda-Runtime-Trace-Id`. */
  readonly xRayTraceId?: string;
  /** Milliseconds left before Lambda stops this invocation (never negative). */
  getRemainingTimeInMillis(): number;
}

/**
 * What a streaming handler may return: a ReadableStream of strings or bytes,
 * a Response (sent in the function URL streaming format), a string or bytes,
 * or any other value (sent as JSON). See docs/runtime.md, "Response streaming".
 */
export type StreamingResult =
  | ReadableStream<Uint8Array | string>
  | Response
  | Uint8Array
  | string
  | unknown;

/**
 * A handler. Set `streaming = true` on the function to send every result with
 * response streaming; a returned `ReadableStream` is streamed in any case.
 */
export type Handler<TEvent = unknown, TResult = unknown> =
  & ((event: TEvent, context: Context) => TResult | Promise<TResult>)
  & { streaming?: boolean };

/** A handler marked for response streaming. */
export type StreamingHandler<TEvent = unknown> =
  & ((
    event: TEvent,
    context: Context,
  ) => StreamingResult | Promise<StreamingResult>)
  & { streaming: true };
