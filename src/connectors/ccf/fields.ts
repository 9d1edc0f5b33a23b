/**
 * The fields of a RestApiPoller data connector (Microsoft.SecurityInsights/dataConnectors, kind
 * RestApiPoller) with the spelling of the REST API specification (bicep-types
 * microsoft.securityinsights 2025-09-01: RestApiPollerDataConnectorProperties) and the limits of
 * "RestApiPoller data connector reference for the Codeless Connector Framework"
 * (https://learn.microsoft.com/azure/sentinel/data-connector-connection-rules-reference, "REF" below).
 * The paging fields past pagingType/pageSize/pageSizeParameterName and JwtToken's token fields are
 * documented by REF only; the service accepts them (Azure-Sentinel's CCF solutions deploy them).
 */
export type FieldType =
  | { kind: 'string'; values?: readonly string[] }
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'bool' }
  | { kind: 'stringMap' }
  | { kind: 'map' }
  | { kind: 'strings' }
  | { kind: 'keyValue' };

export interface Field {
  type: FieldType;
  required?: boolean;
  /** Holds a credential: must be a `{{parameter}}` declared secret, never a literal. */
  secret?: boolean;
}

export type Fields = Record<string, Field>;

const string: Field = { type: { kind: 'string' } };
const bool: Field = { type: { kind: 'bool' } };
const stringMap: Field = { type: { kind: 'stringMap' } };
const required = (field: Field): Field => ({ ...field, required: true });
const secret = (field: Field): Field => ({ ...field, secret: true });
const oneOf = (...values: string[]): Field => ({ type: { kind: 'string', values } });

/** Auth kinds the local poller runs (REF "Authentication configuration"), by `type`. */
export const authFields: Record<string, Fields> = {
  None: {},
  Basic: { userName: required(string), password: required(secret(string)) },
  APIKey: {
    apiKey: required(secret(string)),
    apiKeyName: string,
    apiKeyIdentifier: string,
    isApiKeyInPostPayload: bool,
  },
  OAuth2: {
    clientId: required(string),
    clientSecret: required(secret(string)),
    grantType: required(oneOf('client_credentials', 'authorization_code')),
    tokenEndpoint: required(string),
    scope: string,
    redirectUri: string,
    authorizationCode: secret(string),
    authorizationEndpoint: string,
    tokenEndpointHeaders: stringMap,
    tokenEndpointQueryParameters: stringMap,
    authorizationEndpointHeaders: stringMap,
    authorizationEndpointQueryParameters: stringMap,
    isCredentialsInHeaders: bool,
    isJwtBearerFlow: bool,
    accessTokenPrepend: string,
  },
  JwtToken: {
    tokenEndpoint: required(string),
    // Required by the REST specification's JwtAuthModel (REF also allows userToken instead).
    userName: required({ type: { kind: 'keyValue' } }),
    password: required(secret({ type: { kind: 'keyValue' } })),
    queryParameters: stringMap,
    headers: stringMap,
    isCredentialsInHeaders: bool,
    isJsonRequest: bool,
    requestTimeoutInSeconds: { type: { kind: 'int', min: 1, max: 180 } },
    jwtTokenJsonPath: string,
    jwtTokenInResponseHeader: bool,
    jwtTokenHeaderName: string,
    jwtTokenIdentifier: string,
    noAccessTokenPrepend: bool,
    tokenEndpointHttpMethod: oneOf('GET', 'POST'),
  },
};

/** REF "Request configuration": RetryCount 1…6, TimeoutInSeconds 1…180, QueryWindowInMin ≥ 1. */
export const requestFields: Fields = {
  apiEndpoint: required(string),
  httpMethod: oneOf('GET', 'POST', 'PUT', 'DELETE'),
  queryWindowInMin: { type: { kind: 'int', min: 1 } },
  queryTimeFormat: string,
  startTimeAttributeName: string,
  endTimeAttributeName: string,
  queryTimeIntervalAttributeName: string,
  queryTimeIntervalPrepend: string,
  queryTimeIntervalDelimiter: string,
  rateLimitQPS: { type: { kind: 'int', min: 1 } },
  retryCount: { type: { kind: 'int', min: 1, max: 6 } },
  timeoutInSeconds: { type: { kind: 'int', min: 1, max: 180 } },
  isPostPayloadJson: bool,
  headers: stringMap,
  queryParameters: { type: { kind: 'map' } },
  queryParametersTemplate: string,
};

/** Documented by REF but not part of the resource type sentinel-kit deploys: refused with a reason. */
export const undeployableRequestFields: Record<string, string> = {
  rateLimitConfig:
    'rateLimitConfig is not a property of dataConnectors RestApiPoller in API version 2025-09-01; use rateLimitQPS',
  initialCheckpointTimeUtc:
    'initialCheckpointTimeUtc is not a property of dataConnectors RestApiPoller in API version 2025-09-01',
};

export const pagingTypes = [
  'LinkHeader',
  'PersistentLinkHeader',
  'NextPageUrl',
  'NextPageToken',
  'PersistentToken',
  'Offset',
  'CountBasedPaging',
] as const;
export type PagingType = (typeof pagingTypes)[number];

const pagingCommon: Fields = {
  pagingType: required(oneOf(...pagingTypes)),
  pageSize: { type: { kind: 'int', min: 1 } },
  pageSizeParameterName: string,
  pagingInfoPlacement: oneOf('QueryString', 'RequestBody'),
  pagingQueryParamOnly: bool,
};
const linkHeader: Fields = { ...pagingCommon, linkHeaderTokenJsonPath: string };
const token: Fields = {
  ...pagingCommon,
  nextPageTokenJsonPath: string,
  nextPageTokenResponseHeader: string,
  nextPageParaName: string,
  hasNextFlagJsonPath: string,
  nextPageRequestHeader: string,
};

/** REF "Paging configuration": the fields of each paging type. */
export const pagingFields: Record<PagingType, Fields> = {
  LinkHeader: linkHeader,
  PersistentLinkHeader: linkHeader,
  NextPageUrl: {
    ...token,
    nextPageUrl: string,
    nextPageUrlQueryParameters: stringMap,
    nextPageUrlQueryParametersTemplate: string,
  },
  NextPageToken: token,
  PersistentToken: token,
  Offset: { ...pagingCommon, offsetParaName: string },
  CountBasedPaging: {
    ...pagingCommon,
    pageNumberParaName: required(string),
    zeroBasedIndexing: bool,
    hasNextFlagJsonPath: string,
    totalResultsJsonPath: string,
    pageNumberJsonPath: string,
    pageCountJsonPath: string,
  },
};

/** REF "Response configuration" (format required by REF; json, csv or xml). */
export const responseFields: Fields = {
  eventsJsonPaths: required({ type: { kind: 'strings' } }),
  format: required(oneOf('json', 'csv', 'xml')),
  successStatusJsonPath: string,
  successStatusValue: string,
  isGzipCompressed: bool,
  compressionAlgo: oneOf('multi-gzip', 'deflate'),
  csvDelimiter: string,
  hasCsvBoundary: bool,
  hasCsvHeader: bool,
  csvEscape: string,
  convertChildPropertiesToArray: bool,
};

export const dcrConfigFields: Fields = { streamName: required(string) };

/** The poller's own properties; connectorDefinitionName, dataType and the DCR ids are filled by build. */
export const pollerFields = [
  'auth',
  'request',
  'paging',
  'response',
  'dcrConfig',
  'addOnAttributes',
  'isActive',
];
