import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { type Diagnostic, DiagnosticError } from '../../diagnostics.js';
import { readYamlSource } from '../../rules/load.js';
import type { FieldPath, YamlSource } from '../../rules/source.js';
import { documentToJs } from '../../yaml.js';
import { loadConnectorDefinition } from '../definition.js';
import {
  authFields,
  dcrConfigFields,
  type Field,
  type Fields,
  type PagingType,
  pagingFields,
  pollerFields,
  requestFields,
  responseFields,
  undeployableRequestFields,
} from './fields.js';
import { JsonPathError, parseJsonPath } from './jsonPath.js';
import { TimeFormatError, timeFormatter } from './timeFormat.js';

/** Where a connector folder declares its CCF connector. */
export const ccfFile = join('ccf', 'connector.yaml');
/** A DCR of its own for the CCF poller, when the vendor's events do not fit the folder's dcr.yaml stream. */
export const ccfDcrFile = join('ccf', 'dcr.yaml');

type Json = Record<string, unknown>;

export interface CcfParameter {
  name: string;
  description: string;
  /** Deployed from a secure parameter; never written in a generated file. */
  secret: boolean;
}

/** A checked `connectors/<name>/ccf/connector.yaml`. */
export interface CcfDeclaration {
  /** Connector folder name. */
  connector: string;
  /** connectorUiConfig.id: the dataConnectorDefinitions resource name and the poller's connectorDefinitionName. */
  id: string;
  connectorUiConfig: Json;
  /** RestApiPoller properties as declared, `{{parameter}}` references unresolved. */
  poller: RestApiPoller;
  parameters: CcfParameter[];
  /** The DCR file the poller sends to: the folder's dcr.yaml or ccf/dcr.yaml. */
  dcrFile: 'dcr.yaml' | 'ccf/dcr.yaml';
}

export interface RestApiPoller {
  auth: Json & { type: string };
  request: Json & { apiEndpoint: string };
  paging?: Json & { pagingType: PagingType };
  response: Json & { eventsJsonPaths: string[]; format: string };
  dcrConfig: { streamName: string };
  addOnAttributes?: Record<string, string>;
  isActive?: boolean;
}

const parameterReference = /\{\{([^{}]*)\}\}/g;
const parameterName = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Reads and checks a CCF declaration: the exact field names and values of the REST API, the
 * documented limits, the pairs the service needs together, and the settings the service refuses at
 * deploy or fails on at run time (each with its source). `streams` are the stream names the DCR the
 * poller sends to declares.
 */
export function loadCcfDeclaration(
  dir: string,
  connector: string,
  file: string,
  streams: (dcrFile: CcfDeclaration['dcrFile']) => string[] | undefined,
): { declaration?: CcfDeclaration; diagnostics: Diagnostic[] } {
  const { source, diagnostics } = readYamlSource(join(dir, ccfFile), file);
  if (!source) return { diagnostics };
  const doc = documentToJs(source.document) as Json;
  const check = new Checker(source);
  check.keys(doc, [], ['parameters', 'connectorUiConfig', 'poller']);

  const parameters = check.parameters(doc.parameters);
  const ui = check.object(doc.connectorUiConfig, ['connectorUiConfig'], true);
  const id = check.connectorUi(ui);
  const poller = check.object(doc.poller, ['poller'], true);
  if (poller) check.poller(poller);

  // Every {{reference}} names a declared parameter; a credential field holds only a secret one.
  const declared = new Map(parameters.map((p) => [p.name, p]));
  check.references(poller ?? {}, ['poller'], declared);

  const dcrFile: CcfDeclaration['dcrFile'] = existsSync(join(dir, ccfDcrFile)) ? 'ccf/dcr.yaml' : 'dcr.yaml';
  const streamName = (poller?.dcrConfig as Json | undefined)?.streamName;
  const declaredStreams = streams(dcrFile);
  if (typeof streamName === 'string' && declaredStreams && !declaredStreams.includes(streamName)) {
    // The packaging tool links poller → DCR by this name (Azure-Sentinel Tools/Create-Azure-Sentinel-Solution, getCCPDetails).
    check.error(
      ['poller', 'dcrConfig', 'streamName'],
      'SK0705',
      `streamName '${streamName}' is not declared in ${dcrFile} (streams: ${declaredStreams.join(', ')})`,
    );
  }
  diagnostics.push(...check.found);
  if (check.found.some((d) => d.severity === 'error') || !poller || !id || !ui) return { diagnostics };
  return {
    declaration: {
      connector,
      id,
      connectorUiConfig: ui,
      poller: poller as unknown as RestApiPoller,
      parameters,
      dcrFile,
    },
    diagnostics,
  };
}

/** The CCF connector of `connectors/<name>/`, for running it; throws DiagnosticError with positions. */
export function readCcfConnector(dir: string): CcfDeclaration {
  const connector = basename(dir);
  const file = relative(process.cwd(), join(dir, ccfFile)) || join(dir, ccfFile);
  const { declaration, diagnostics } = loadCcfDeclaration(dir, connector, file, (dcrFile) => [
    loadConnectorDefinition(dir, dcrFile).streamName,
  ]);
  if (!declaration) throw new DiagnosticError(diagnostics.filter((d) => d.severity === 'error'));
  return declaration;
}

class Checker {
  readonly found: Diagnostic[] = [];
  constructor(private readonly source: YamlSource) {}

  error(path: FieldPath, code: string, message: string, atKey = false): void {
    const where = atKey ? this.source.keyAt(path) : this.source.valueAt(path);
    this.found.push(this.source.diagnostic(code, 'error', message, where));
  }

  /** Unknown keys are errors; a key that differs from a known one only by case names the right spelling. */
  keys(value: Json, path: FieldPath, known: readonly string[], what = 'this section'): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const spelled = known.find((k) => k.toLowerCase() === key.toLowerCase());
      this.error(
        [...path, key],
        'SK0701',
        spelled
          ? `write '${spelled}' (the REST API's spelling), not '${key}'`
          : `unknown field '${key}' in ${what} (known: ${known.join(', ') || 'none'})`,
        true,
      );
    }
  }

  object(value: unknown, path: FieldPath, required: boolean): Json | undefined {
    if (value === undefined) {
      if (required) this.error(path, 'SK0702', `missing required field '${path.join('.')}'`);
      return undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.error(path, 'SK0702', `'${path.join('.')}' must be a mapping`);
      return undefined;
    }
    return value as Json;
  }

  fields(value: Json, path: FieldPath, fields: Fields, what: string): void {
    this.keys(value, path, Object.keys(fields), what);
    for (const [name, field] of Object.entries(fields)) this.field(value[name], [...path, name], field);
  }

  field(value: unknown, path: FieldPath, field: Field): void {
    const name = path.join('.');
    if (value === undefined) {
      if (field.required) this.error(path, 'SK0702', `missing required field '${name}'`);
      return;
    }
    const problem = valueProblem(value, field.type);
    if (problem) {
      this.error(path, 'SK0703', `'${name}' ${problem}`);
      return;
    }
    switch (field.type.kind) {
      case 'keyValue': {
        const pair = this.object(value, path, true);
        if (pair)
          this.fields(
            pair,
            path,
            { key: { type: { kind: 'string' } }, value: { type: { kind: 'string' }, required: true } },
            name,
          );
        return;
      }
      case 'map':
      case 'stringMap': {
        const map = this.object(value, path, true);
        if (map && field.type.kind === 'stringMap') {
          for (const [key, item] of Object.entries(map))
            if (typeof item !== 'string')
              this.error([...path, key], 'SK0703', `'${name}.${key}' must be a string`);
        }
      }
    }
  }

  parameters(value: unknown): CcfParameter[] {
    if (value === undefined) return [];
    const map = this.object(value, ['parameters'], false);
    if (!map) return [];
    return Object.entries(map).flatMap(([name, spec]) => {
      const path = ['parameters', name];
      if (!parameterName.test(name)) {
        this.error(
          path,
          'SK0704',
          `parameter name '${name}' must be letters and digits, starting with a letter`,
          true,
        );
        return [];
      }
      const body = this.object(spec, path, true);
      if (!body) return [];
      this.fields(
        body,
        path,
        { description: { type: { kind: 'string' }, required: true }, secret: { type: { kind: 'bool' } } },
        `parameter ${name}`,
      );
      return [{ name, description: String(body.description ?? ''), secret: body.secret === true }];
    });
  }

  /**
   * connectorUiConfig of a dataConnectorDefinitions resource, kind Customizable. `id` is required
   * here: the Azure-Sentinel packaging tool fails a definition without it and links the poller by it.
   */
  connectorUi(ui: Json | undefined): string | undefined {
    if (!ui) return undefined;
    const required = [
      'id',
      'title',
      'publisher',
      'descriptionMarkdown',
      'graphQueries',
      'dataTypes',
      'connectivityCriteria',
      'permissions',
      'instructionSteps',
    ];
    this.keys(
      ui,
      ['connectorUiConfig'],
      [...required, 'availability', 'logo', 'isConnectivityCriteriasMatchSome'],
      'connectorUiConfig',
    );
    for (const name of required)
      if (ui[name] === undefined)
        this.error(
          ['connectorUiConfig', name],
          'SK0702',
          `missing required field 'connectorUiConfig.${name}'`,
        );
    const id = ui.id;
    if (id !== undefined && (typeof id !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(id))) {
      this.error(
        ['connectorUiConfig', 'id'],
        'SK0703',
        "'connectorUiConfig.id' must be a resource name: a letter, then letters, digits, '-' or '_'",
      );
      return undefined;
    }
    for (const name of ['graphQueries', 'dataTypes', 'connectivityCriteria', 'instructionSteps'])
      if (ui[name] !== undefined && !Array.isArray(ui[name]))
        this.error(['connectorUiConfig', name], 'SK0703', `'connectorUiConfig.${name}' must be a list`);
    return typeof id === 'string' ? id : undefined;
  }

  poller(poller: Json): void {
    this.keys(poller, ['poller'], pollerFields, 'poller');
    const auth = this.object(poller.auth, ['poller', 'auth'], true);
    if (auth) this.auth(auth);
    const request = this.object(poller.request, ['poller', 'request'], true);
    if (request) this.request(request);
    const paging = this.object(poller.paging, ['poller', 'paging'], false);
    if (paging) this.paging(paging, request);
    const response = this.object(poller.response, ['poller', 'response'], true);
    if (response) this.response(response);
    const dcr = this.object(poller.dcrConfig, ['poller', 'dcrConfig'], true);
    if (dcr) {
      this.fields(
        dcr,
        ['poller', 'dcrConfig'],
        dcrConfigFields,
        'dcrConfig (the endpoint and DCR id are filled by build)',
      );
      if (typeof dcr.streamName === 'string' && !dcr.streamName.startsWith('Custom-'))
        this.error(
          ['poller', 'dcrConfig', 'streamName'],
          'SK0703',
          "streamName must begin with 'Custom-' (REF, DCR configuration)",
        );
    }
    if (poller.addOnAttributes !== undefined)
      this.field(poller.addOnAttributes, ['poller', 'addOnAttributes'], { type: { kind: 'stringMap' } });
    if (poller.isActive !== undefined)
      this.field(poller.isActive, ['poller', 'isActive'], { type: { kind: 'bool' } });
  }

  auth(auth: Json): void {
    const path = ['poller', 'auth'];
    const type = auth.type;
    const fields = typeof type === 'string' ? authFields[type] : undefined;
    if (!fields) {
      this.error(
        [...path, 'type'],
        'SK0703',
        `'auth.type' must be one of ${Object.keys(authFields).join(', ')} (got ${JSON.stringify(type)})`,
      );
      return;
    }
    this.fields(
      auth,
      path,
      { type: { type: { kind: 'string' }, required: true }, ...fields },
      `auth of type ${type}`,
    );
    // REF, OAuth2: the authorization code grant needs the user's consent in the portal.
    if (type === 'OAuth2' && auth.grantType === 'authorization_code') {
      for (const name of ['authorizationCode', 'scope', 'redirectUri', 'authorizationEndpoint'])
        if (auth[name] === undefined)
          this.error([...path, name], 'SK0702', `grantType authorization_code needs '${name}' (REF, OAuth2)`);
    }
    if (type === 'JwtToken' && typeof auth.jwtTokenJsonPath === 'string')
      this.jsonPath(auth.jwtTokenJsonPath, [...path, 'jwtTokenJsonPath']);
  }

  request(request: Json): void {
    const path = ['poller', 'request'];
    for (const [name, reason] of Object.entries(undeployableRequestFields)) {
      if (request[name] !== undefined) {
        this.error([...path, name], 'SK0706', reason, true);
        delete request[name];
      }
    }
    this.fields(request, path, requestFields, 'request');
    // REF: each attribute name is "True when the other is set".
    const pair = (a: string, b: string) => {
      if ((request[a] === undefined) !== (request[b] === undefined)) {
        const missing = request[a] === undefined ? a : b;
        this.error(
          [...path, missing === a ? b : a],
          'SK0707',
          `'${missing}' must be set together with '${missing === a ? b : a}' (REF, request configuration)`,
          true,
        );
      }
    };
    pair('startTimeAttributeName', 'endTimeAttributeName');
    if (request.queryTimeIntervalAttributeName !== undefined) {
      for (const name of ['queryTimeIntervalPrepend', 'queryTimeIntervalDelimiter'])
        if (request[name] === undefined)
          this.error(
            [...path, 'queryTimeIntervalAttributeName'],
            'SK0707',
            `queryTimeIntervalAttributeName needs '${name}' (REF, request configuration)`,
            true,
          );
    }
    if (typeof request.queryTimeFormat === 'string') {
      try {
        timeFormatter(request.queryTimeFormat);
      } catch (e) {
        if (!(e instanceof TimeFormatError)) throw e;
        this.at([...path, 'queryTimeFormat'], e.offset + 0, 'SK0708', `queryTimeFormat: ${e.message}`);
      }
    }
    if (request.httpMethod !== 'POST' && request.isPostPayloadJson !== undefined)
      this.error(
        [...path, 'isPostPayloadJson'],
        'SK0707',
        'isPostPayloadJson applies to httpMethod POST only',
        true,
      );
  }

  paging(paging: Json, request: Json | undefined): void {
    const path = ['poller', 'paging'];
    const type = paging.pagingType as PagingType;
    const fields = pagingFields[type];
    if (!fields) {
      this.field(paging.pagingType, [...path, 'pagingType'], pagingFields.LinkHeader.pagingType);
      return;
    }
    this.fields(paging, path, fields, `paging of type ${type}`);
    const has = (name: string) => paging[name] !== undefined;
    // The service refuses a NextPageUrl paging that cannot build the next request: "Missing
    // NextPageParaName from config" (RES40002), Azure/Azure-Sentinel#14438.
    if (
      type === 'NextPageUrl' &&
      !['nextPageParaName', 'hasNextFlagJsonPath', 'nextPageUrl', 'nextPageRequestHeader'].some(has)
    )
      this.error(
        [...path, 'pagingType'],
        'SK0709',
        'NextPageUrl paging needs nextPageParaName, hasNextFlagJsonPath, nextPageUrl or nextPageRequestHeader; the service refuses it otherwise (RES40002 "Missing NextPageParaName from config", Azure/Azure-Sentinel#14438)',
      );
    if (
      (type === 'NextPageToken' || type === 'PersistentToken') &&
      !has('nextPageTokenJsonPath') &&
      !has('nextPageTokenResponseHeader')
    )
      this.error(
        [...path, 'pagingType'],
        'SK0709',
        `${type} paging needs nextPageTokenJsonPath or nextPageTokenResponseHeader: where the next token is (REF)`,
      );
    if (
      (type === 'NextPageToken' || type === 'PersistentToken') &&
      !has('nextPageParaName') &&
      !has('nextPageRequestHeader')
    )
      this.error(
        [...path, 'pagingType'],
        'SK0709',
        `${type} paging needs nextPageParaName or nextPageRequestHeader: where the next request carries the token (REF)`,
      );
    if (type === 'CountBasedPaging' && has('totalResultsJsonPath'))
      for (const name of ['pageNumberJsonPath', 'pageCountJsonPath'])
        if (!has(name))
          this.error(
            [...path, 'totalResultsJsonPath'],
            'SK0709',
            `'${name}' is required when totalResultsJsonPath is given (REF, CountBasedPaging)`,
            true,
          );
    if (has('pageSize') !== has('pageSizeParameterName') && type !== 'Offset' && type !== 'CountBasedPaging')
      this.error(
        [...path, has('pageSize') ? 'pageSize' : 'pageSizeParameterName'],
        'SK0709',
        'pageSize and pageSizeParameterName go together: the page size is sent under that parameter name',
        true,
      );
    if (type === 'Offset') {
      if (!has('offsetParaName'))
        this.error(
          [...path, 'pagingType'],
          'SK0709',
          'Offset paging needs offsetParaName: the query parameter the offset is sent in (REF)',
        );
      // With the offset parameter also in queryParameters the CCF does not iterate and loops on the
      // first page (Azure/Azure-Sentinel#13013).
      const params = (request?.queryParameters ?? {}) as Json;
      if (typeof paging.offsetParaName === 'string' && paging.offsetParaName in params)
        this.error(
          ['poller', 'request', 'queryParameters', paging.offsetParaName],
          'SK0709',
          `'${paging.offsetParaName}' is the Offset paging parameter; in queryParameters too, the CCF repeats the first page forever (Azure/Azure-Sentinel#13013)`,
          true,
        );
    }
    if (
      paging.pagingInfoPlacement === 'RequestBody' &&
      request?.httpMethod !== 'POST' &&
      request?.httpMethod !== 'PUT'
    )
      this.error(
        [...path, 'pagingInfoPlacement'],
        'SK0709',
        'pagingInfoPlacement RequestBody needs a request with a body (httpMethod POST or PUT)',
      );
    if (
      typeof paging.nextPageUrlQueryParametersTemplate === 'string' ||
      typeof paging.nextPageUrl === 'string'
    )
      this.error(
        [...path, has('nextPageUrl') ? 'nextPageUrl' : 'nextPageUrlQueryParametersTemplate'],
        'SK0710',
        'nextPageUrl and nextPageUrlQueryParametersTemplate are documented for the Coralogix API only (REF); their semantics are not documented, so sentinel-kit refuses them',
        true,
      );
    for (const name of [
      'linkHeaderTokenJsonPath',
      'nextPageTokenJsonPath',
      'hasNextFlagJsonPath',
      'totalResultsJsonPath',
      'pageNumberJsonPath',
      'pageCountJsonPath',
    ]) {
      const value = paging[name];
      if (typeof value !== 'string') continue;
      const steps = this.jsonPath(value, [...path, name]);
      // "[-1]" fails every poll with "Index was out of range"; "[-1:]" is the form that works
      // (Azure/Azure-Sentinel#14737).
      const negative = /\[-\d+\]/.exec(value);
      if (steps && negative)
        this.at(
          [...path, name],
          negative.index,
          'SK0709',
          `'${negative[0]}' fails the CCF poll with "Index was out of range"; write '[${negative[0].slice(1, -1)}:]' (Azure/Azure-Sentinel#14737)`,
        );
    }
  }

  response(response: Json): void {
    const path = ['poller', 'response'];
    this.fields(response, path, responseFields, 'response');
    if (Array.isArray(response.eventsJsonPaths))
      for (const [i, p] of response.eventsJsonPaths.entries())
        if (typeof p === 'string') this.jsonPath(p, [...path, 'eventsJsonPaths', i]);
    if ((response.successStatusJsonPath === undefined) !== (response.successStatusValue === undefined))
      this.error(
        [
          ...path,
          response.successStatusJsonPath === undefined ? 'successStatusValue' : 'successStatusJsonPath',
        ],
        'SK0707',
        'successStatusJsonPath and successStatusValue go together (REF, response configuration)',
        true,
      );
    if (typeof response.successStatusJsonPath === 'string')
      this.jsonPath(response.successStatusJsonPath, [...path, 'successStatusJsonPath']);
    if (typeof response.csvEscape === 'string' && response.csvEscape.length !== 1)
      this.error([...path, 'csvEscape'], 'SK0703', "'csvEscape' must be one character");
  }

  jsonPath(text: string, path: FieldPath) {
    try {
      return parseJsonPath(text);
    } catch (e) {
      if (!(e instanceof JsonPathError)) throw e;
      this.at(path, e.offset, 'SK0708', `JSONPath '${text}': ${e.message}`);
      return undefined;
    }
  }

  /** A diagnostic at a character of the string value at `path`. */
  at(path: FieldPath, offset: number, code: string, message: string): void {
    const where = this.source.offsetMapper(path)?.(offset) ?? this.source.valueAt(path);
    this.found.push(this.source.diagnostic(code, 'error', message, where));
  }

  references(value: unknown, path: FieldPath, declared: ReadonlyMap<string, CcfParameter>): void {
    if (typeof value === 'string') {
      const credential = isCredentialPath(path);
      const refs = [...value.matchAll(parameterReference)];
      for (const ref of refs) {
        const parameter = declared.get(ref[1]);
        if (!parameter)
          this.at(
            path,
            ref.index ?? 0,
            'SK0704',
            `'{{${ref[1]}}}' is not a declared parameter (parameters: ${[...declared.keys()].join(', ') || 'none'})`,
          );
        else if (parameter.secret !== credential)
          this.at(
            path,
            ref.index ?? 0,
            'SK0704',
            credential
              ? `parameter '${ref[1]}' holds a credential: declare it secret: true`
              : `secret parameter '${ref[1]}' may only fill a credential field`,
          );
      }
      if (credential && (refs.length !== 1 || refs[0][0] !== value))
        this.error(
          path,
          'SK0704',
          'a credential field holds exactly one {{secret parameter}}, never a literal: literals would be committed and deployed in clear',
        );
      return;
    }
    if (value && typeof value === 'object')
      for (const [key, item] of Object.entries(value))
        this.references(item, [...path, Array.isArray(value) ? Number(key) : key], declared);
  }
}

/** What is wrong with a scalar or list value of this type, if anything. */
function valueProblem(value: unknown, type: Field['type']): string | undefined {
  switch (type.kind) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (type.values && !type.values.includes(value))
        return `must be one of ${type.values.join(', ')} (got '${value}')`;
      return undefined;
    case 'int':
      if (!Number.isInteger(value)) return 'must be an integer';
      if (type.min !== undefined && (value as number) < type.min) return `must be at least ${type.min}`;
      if (type.max !== undefined && (value as number) > type.max) return `must be at most ${type.max}`;
      return undefined;
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'strings':
      return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')
        ? undefined
        : 'must be a non-empty list of strings';
    default:
      return undefined;
  }
}

/** auth fields that carry a credential (their Field.secret), including JwtToken's `password.value`. */
function isCredentialPath(path: FieldPath): boolean {
  if (path[1] !== 'auth') return false;
  const field = String(path[2]);
  const secretFields = new Set(
    Object.values(authFields).flatMap((fields) =>
      Object.entries(fields)
        .filter(([, f]) => f.secret)
        .map(([name]) => name),
    ),
  );
  return secretFields.has(field) && (path.length === 3 || (path.length === 4 && path[3] === 'value'));
}
