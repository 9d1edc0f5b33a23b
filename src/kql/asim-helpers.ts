import type { FunctionSchema } from './catalog.js';

/**
 * The ASIM device-resolution helpers a Sentinel workspace has (Learn "ASIM helper functions",
 * https://learn.microsoft.com/azure/sentinel/normalization-functions#device-resolution-functions;
 * MicrosoftDocs/azure-docs articles/sentinel/normalization-functions.md @02df3380): resolve-type
 * functions used as `T | invoke _ASIM_ResolveFQDN('Field')`, taking the name of the field holding a
 * hostname, as a string, and extending T with the fields listed here. Their types are the device
 * name fields' of Learn "ASIM schemas" (normalization-about-schemas#the-device-name: Domain and FQDN
 * String, Hostname and DomainType the string-valued logical types Hostname and Enumerated).
 * `_ASIM_ResolveDstFQDN`'s row on that page names `SrcFQDN`; the function itself, as the Azure-Sentinel
 * CI loads it (ASIM/lib/functions/ASIM_ResolveDstFQDN.yaml @07112046, EquivalentBuiltInFunction
 * `_ASIM_ResolveDstFQDN`), renames ASIM_ResolveFQDN's fields to DstHostname, DstDomain, DstFQDN and
 * DstDomainType, as the page's text ("sets the Dst fields") says.
 */
const RESOLVE_FQDN_FIELDS: Record<string, readonly string[]> = {
  _ASIM_ResolveFQDN: ['ExtractedHostname', 'Domain', 'DomainType', 'FQDN'],
  _ASIM_ResolveSrcFQDN: ['SrcHostname', 'SrcDomain', 'SrcDomainType', 'SrcFQDN'],
  _ASIM_ResolveDstFQDN: ['DstHostname', 'DstDomain', 'DstDomainType', 'DstFQDN'],
  _ASIM_ResolveDvcFQDN: ['DvcHostname', 'DvcDomain', 'DvcDomainType', 'DvcFQDN'],
};

/**
 * The page describes the outputs of two inputs only (`appserver.contoso.com`, `appserver`) and names a
 * `Windows` domain type without saying how it is recognised, so the engine refuses to run them.
 */
const UNRUNNABLE =
  'the ASIM helper functions page documents the fields it sets, not how it splits every hostname (a Windows domain\\host, an IP address), so sentinel-kit does not run it';

/**
 * Declared for binding: the body extends the input with the documented fields, never run. One whose
 * published body catalog/solution-parsers.json holds (`_ASIM_ResolveFQDN`, `_ASIM_ResolveDvcFQDN`, from
 * Azure-Sentinel ASIM/lib/functions) runs that body instead: builtin-functions.ts puts it first.
 */
export function asimResolveHelpers(): FunctionSchema[] {
  return Object.entries(RESOLVE_FQDN_FIELDS).map(([name, fields]) => ({
    name,
    description: `${name} (ASIM helper function: sets ${fields.join(', ')} from the named hostname field)`,
    parameters: [
      { name: 'T', type: 'table' },
      { name: 'Field', type: 'string' },
    ],
    body: `T | extend ${fields.map((f) => `['${f}'] = ''`).join(', ')}`,
    file: 'sentinel-kit catalog (ASIM helper function)',
    unrunnable: UNRUNNABLE,
  }));
}

/**
 * `_ASIM_GetUsernameType(username)`, the scalar helper ASIM parsers call to set `*UsernameType`
 * (ASimNetworkSessionCiscoISE: `DstUsernameType = _ASIM_GetUsernameType(DstUsername)`). Sentinel has it
 * built in (`EquivalentBuiltInFunction: _ASIM_GetUsernameType`) and the Azure-Sentinel CI loads it from
 * the same file (CommonFunctionsLoader, ASIM/lib/functions). The body is that file's as last
 * updated (ASIM/lib/functions/ASIM_GetUsernameType.yaml @bc043b8, LastUpdated Jan 11, 2023, whose
 * FunctionQuery declares it as a `let` and calls it): a case over the text alone, so the engine runs
 * it as written. The Jan 10 version (@1b73eb28) lacked `isempty(username), ""` and typed an empty
 * username "Simple"; the FortiGate legs call it on CommonSecurityLog's often empty user names.
 */
export function asimUsernameType(): FunctionSchema {
  return {
    name: '_ASIM_GetUsernameType',
    description: '_ASIM_GetUsernameType (ASIM helper function: UPN, Windows, DN or Simple from a username)',
    parameters: [{ name: 'username', type: 'string' }],
    body: String.raw`case(
    username contains "@", "UPN",
    username contains "\\", "Windows",
    (username has "CN=" or username has "OU=" or username has "DC="), "DN",
    isempty(username), "",
    "Simple")`,
    file: 'Azure/Azure-Sentinel ASIM/lib/functions/ASIM_GetUsernameType.yaml',
  };
}

/**
 * `_ASIM_GetUserType(username, sid)`, the scalar helper ASIM parsers call to set `*UserType`
 * (vimWebSessionF5ASM: `SrcUserType = _ASIM_GetUserType(SrcUsername, SrcUserId)`). Sentinel has it built
 * in (`EquivalentBuiltInFunction: _ASIM_GetUserType`). The body is the file's latest stored version,
 * ASIM/lib/functions/ASIM_GetUserType.yaml @1b4ccf67 (Version 0.3, LastUpdated May 1st 2023, whose
 * FunctionQuery declares it as a `let` and calls it): a case over the two texts alone, run as written.
 * The other stored version (@046bba69, 0.1, Apr 2022) is a copy of ASIM_ResolveFQDN's header over a body
 * that does not parse (`T case(...)`), so it is not the function any workspace runs.
 */
export function asimUserType(): FunctionSchema {
  return {
    name: '_ASIM_GetUserType',
    description:
      '_ASIM_GetUserType (ASIM helper function: Machine, Admin, Service, Regular… from a username and SID)',
    parameters: [
      { name: 'username', type: 'string' },
      { name: 'sid', type: 'string' },
    ],
    body: `case ( 
      sid startswith "S-1-5-80", "Service",
      sid startswith "S-1-5-21", case (
            sid endswith "-500", "Admin",
            sid endswith "-501", "Guest",
            sid endswith "-502", "Service", // A user account that's used by the Key Distribution Center (KDC) service. The account exists only on domain controllers.
            username contains "admin", "Admin",
            username endswith "$", "Machine",
            "Regular"),
      username endswith "$", "Machine",
      sid == "S-1-5-113", "Other", // Local account
      sid == "S-1-5-7", "Anonymous", 
      sid == "S-1-5-17", "Service", // An account that's used by the default Internet Information Services (IIS) user
      sid == "S-1-5-18", "System", 
      sid == "S-1-5-19", "Service", 
      sid == "S-1-5-20", "Service" ,
      isempty(username), "",
      "Other"
  )`,
    file: 'Azure/Azure-Sentinel ASIM/lib/functions/ASIM_GetUserType.yaml',
  };
}

/**
 * `_ASIM_LookupICMPType(NetworkIcmpCode)`, the scalar helper ASIM parsers call to name an ICMP type
 * (vimNetworkSessionCrowdStrikeFalconHost: `NetworkIcmpType = _ASIM_LookupICMPType('icmpType')`). Sentinel has
 * it built in (`EquivalentBuiltInFunction: _ASIM_LookupICMPType`). The body is the file's only stored version,
 * ASIM/lib/functions/ASIM_LookupICMPType.yaml @84ca86a4 (Version 0.1, LastUpdated Jun 7th 2022, whose
 * FunctionQuery declares it as a `let` and calls it): a lookup of the text of the code in a constant bag,
 * run as written. Its parameter is an int, so a call passing a string (as the CrowdStrike leg does, the
 * literal 'icmpType') is refused where it is evaluated (lower/scalar.ts), Kusto's answer for it being unknown.
 */
export function asimLookupIcmpType(): FunctionSchema {
  return {
    name: '_ASIM_LookupICMPType',
    description: '_ASIM_LookupICMPType (ASIM helper function: the IANA name of an ICMP type number)',
    parameters: [{ name: 'NetworkIcmpCode', type: 'int' }],
    body: `let ICMPTypeTable=dynamic
      ({
      "0":"Echo Reply",
      "1":"Unassigned",
      "2":"Unassigned",
      "3":"Destination Unreachable",
      "4":"Source Quench (Deprecated)",
      "5":"Redirect",
      "6":"Alternate Host Address (Deprecated)",
      "7":"Unassigned",
      "8":"Echo",
      "9":"Router Advertisement",
      "10":"Router Solicitation",
      "11":"Time Exceeded",
      "12":"Parameter Problem",
      "13":"Timestamp",
      "14":"Timestamp Reply",
      "15":"Information Request (Deprecated)",
      "16":"Information Reply (Deprecated)",
      "17":"Address Mask Request (Deprecated)",
      "18":"Address Mask Reply (Deprecated)",
      "19":"Reserved (for Security)",
      "20":"Reserved (for Robustness Experiment)",
      "21":"Reserved (for Robustness Experiment)",
      "22":"Reserved (for Robustness Experiment)",
      "23":"Reserved (for Robustness Experiment)",
      "24":"Reserved (for Robustness Experiment)",
      "25":"Reserved (for Robustness Experiment)",
      "26":"Reserved (for Robustness Experiment)",
      "27":"Reserved (for Robustness Experiment)",
      "28":"Reserved (for Robustness Experiment)",
      "29":"Reserved (for Robustness Experiment)",
      "30":"Traceroute (Deprecated)",
      "31":"Datagram Conversion Error (Deprecated)",
      "32":"Mobile Host Redirect (Deprecated)",
      "33":"IPv6 Where-Are-You (Deprecated)",
      "34":"IPv6 I-Am-Here (Deprecated)",
      "35":"Mobile Registration Request (Deprecated)",
      "36":"Mobile Registration Reply (Deprecated)",
      "37":"Domain Name Request (Deprecated)",
      "38":"Domain Name Reply (Deprecated)",
      "39":"SKIP (Deprecated)",
      "40":"Photuris",
      "41":"ICMP messages utilized by experimental mobility protocols such as Seamoby",
      "42":"Extended Echo Request",
      "43":"Extended Echo Reply",
      "253":"RFC3692-style Experiment 1",
      "254":"RFC3692-style Experiment 2",
      "255":"Reserved"
    });
    let NetworkIcmpTypeLookup = ICMPTypeTable[tostring(NetworkIcmpCode)];
    case (
      NetworkIcmpTypeLookup != "", NetworkIcmpTypeLookup,
      'Unassigned'
    )`,
    file: 'Azure/Azure-Sentinel ASIM/lib/functions/ASIM_LookupICMPType.yaml',
  };
}
