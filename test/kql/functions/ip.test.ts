import { describe, expect, it } from 'vitest';
import { emptyCatalog } from '../../../src/kql/catalog.js';
import { runQuery, UnsupportedError } from '../../../src/kql/index.js';
import { fn, typed } from './call.js';

describe('IPv4', () => {
  it.each([
    ['ipv4_is_private', ['192.168.1.1/24'], true],
    ['ipv4_is_private', ['10.1.2.3/24'], true],
    ['ipv4_is_private', ['202.1.2.3'], false],
    ['ipv4_is_private', ['127.0.0.1'], false],
    ['ipv4_is_private', ['172.31.255.255'], true],
    ['ipv4_is_private', ['172.32.0.1'], false],
    ['ipv4_is_private', ['not an ip'], null],
    ['ipv4_is_in_range', ['192.168.1.1', '192.168.1.255'], false],
    ['ipv4_is_in_range', ['192.168.1.1', '192.168.1.255/24'], true],
    ['ipv4_is_in_range', ['192.168.1.1', '192.168.1.1'], true],
    ['ipv4_is_in_any_range', ['192.168.1.6', '192.168.1.1/24', '10.0.0.1/8'], true],
    ['ipv4_is_in_any_range', ['192.168.1.6', typed(['10.0.0.1/8', '127.0.0.1/8'], 'dynamic')], false],
    ['ipv4_compare', ['127.0.0.1', '127.0.0.1'], 0],
    ['ipv4_compare', ['192.168.1.1', '192.168.1.255'], -1],
    ['ipv4_compare', ['192.168.1.1/24', '192.168.1.255/24'], 0],
    ['ipv4_compare', ['192.168.1.1', '192.168.1.255', 24], 0],
    ['ipv4_is_match', ['192.168.1.1/24', '192.168.1.255'], true],
    ['ipv4_is_match', ['192.168.1.1', '192.168.2.1', 24], false],
    ['ipv4_is_match', ['192.168.1.1', '192.168.1.255/24'], true],
    ['ipv4_is_match', ['192.168.1.1', '192.168.1.255', 24], true],
    ['parse_ipv4', ['127.0.0.1'], 2130706433],
    ['parse_ipv4', ['192.1.168.1'], 3221334017],
    ['parse_ipv4', ['192.1.168.1/24'], 3221334016],
    ['parse_ipv4', ['256.1.1.1'], null],
    ['parse_ipv4_mask', ['10.1.2.3', 24], 167838208],
    ['format_ipv4', [3221334017], '192.1.168.1'],
    ['format_ipv4', ['192.1.168.1', 24], '192.1.168.0'],
    ['format_ipv4_mask', ['192.1.168.1', 24], '192.1.168.0/24'],
  ])('%s case %#', (name, args, expected) => {
    expect(fn(name, args as never[])).toEqual(expected);
  });
});

describe('IPv6', () => {
  it.each([
    ['ipv6_compare', ['::ffff:7f00:1', '127.0.0.1'], 0],
    ['ipv6_compare', ['fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995'], -1],
    ['ipv6_compare', ['fe80::85d:e82c:9446:7994/127', 'fe80::85d:e82c:9446:7995/127'], 0],
    ['ipv6_compare', ['fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995', 127], 0],
    ['ipv6_is_match', ['::ffff:7f00:1', '127.0.0.1'], true],
    ['ipv6_is_match', ['fe80::85d:e82c:9446:7994', 'fe80::85d:e82c:9446:7995', 127], true],
    ['ipv6_is_in_range', ['fe80::85d:e82c:9446:7994', 'fe80::/10'], true],
    ['ipv6_is_in_range', ['2001:db8::1', 'fe80::/10'], false],
    [
      'ipv6_is_in_any_range',
      ['a5e:f127:8a9d:146d:e102:b5d3:c755:abcd', 'a5e:f127:8a9d:146d:e102:b5d3:c755:0000/112', 'fe80::/10'],
      true,
    ],
    ['parse_ipv6', ['127.0.0.1'], '0000:0000:0000:0000:0000:ffff:7f00:0001'],
    ['parse_ipv6', ['fe80::85d:e82c:9446:7994'], 'fe80:0000:0000:0000:085d:e82c:9446:7994'],
    ['parse_ipv6', ['fe80::85d:e82c:9446:7994/120'], 'fe80:0000:0000:0000:085d:e82c:9446:7900'],
    ['parse_ipv6', ['192.168.255.255/24'], '0000:0000:0000:0000:0000:ffff:c0a8:ff00'],
    ['parse_ipv6', ['not::an::ip'], ''],
  ])('%s case %#', (name, args, expected) => {
    expect(fn(name, args as never[])).toEqual(expected);
  });
});

it('geo_info_from_ip_address is refused with an UnsupportedError naming the function', () => {
  const run = () =>
    runQuery("print geo_info_from_ip_address('20.53.203.50')", {
      catalog: emptyCatalog(),
      tables: new Map(),
    });
  expect(run).toThrow(UnsupportedError);
  expect(run).toThrow(
    "geo_info_from_ip_address() is not supported by the embedded KQL engine: it needs Microsoft's IP geolocation data",
  );
});
