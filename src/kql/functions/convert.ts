/**
 * convert_angle/energy/force/length/mass/speed/volume(value, from, to): a value converted between
 * units (https://learn.microsoft.com/kusto/query/convert-length-function and its siblings). The pages
 * list the unit names, which are those of the UnitsNet .NET library, and print one conversion each;
 * Kusto converts through the quantity's base unit (value to base, base to target), as UnitsNet does.
 *
 * Which UnitsNet version the service runs is not stated, and some factors changed between versions
 * (Mile 1609.34 → 1609.344, UsGallon 0.00378541 → 0.003785411784, standard gravity, Knot ...). The
 * formulas below are UnitsNet's unit definitions (angularsen/UnitsNet Common/UnitDefinitions/*.json)
 * in a version older than the service's unit lists; a unit is answered only when that factor equals
 * the one of the current UnitsNet (5.75.1, checked by converting 1 unit to the base unit), so every
 * version between agrees. Every other listed unit is refused; a name the pages do not list is null
 * ("Invalid units return null"). SI prefixes follow UnitsNet: the unit's conversion, then the power
 * of ten.
 */
import { UnsupportedError } from '../values/index.js';
import { num } from './math.js';
import type { FunctionTable, ScalarImpl } from './types.js';

interface Unit {
  toBase(x: number): number;
  fromBase(x: number): number;
}

const times = (f: number): Unit => ({ toBase: (x) => x * f, fromBase: (x) => x / f });
const per = (f: number): Unit => ({ toBase: (x) => x / f, fromBase: (x) => x * f });
const BASE: Unit = { toBase: (x) => x, fromBase: (x) => x };

const PREFIX: Record<string, number> = {
  Nano: 1e-9,
  Micro: 1e-6,
  Milli: 1e-3,
  Centi: 1e-2,
  Deci: 1e-1,
  Deca: 1e1,
  Hecto: 1e2,
  Kilo: 1e3,
  Mega: 1e6,
  Giga: 1e9,
  Tera: 1e12,
};

/** UnitsNet's prefixed unit: the unit's conversion, then the prefix's power of ten. */
function prefixed(unit: Unit, prefix: string): Unit {
  const p = PREFIX[prefix];
  return { toBase: (x) => unit.toBase(x) * p, fromBase: (x) => unit.fromBase(x) / p };
}

/** `name` and, for each prefix, the prefixed name (`Kilo` + `meter` → `Kilometer`). */
function withPrefixes(name: string, unit: Unit, prefixes: string[]): [string, Unit][] {
  const stem = name[0].toLowerCase() + name.slice(1);
  return [[name, unit], ...prefixes.map((p): [string, Unit] => [p + stem, prefixed(unit, p)])];
}

interface Quantity {
  /** Units answered, by the exact name the page lists. */
  units: Map<string, Unit>;
  /** Units the page lists whose factor in the service's UnitsNet version is not pinned down. */
  refused: Set<string>;
}

function quantity(units: [string, Unit][], refused: string[]): Quantity {
  return { units: new Map(units), refused: new Set(refused) };
}

const LENGTH = quantity(
  [
    ...withPrefixes('Meter', BASE, ['Nano', 'Micro', 'Milli', 'Centi', 'Deci', 'Deca', 'Hecto', 'Kilo']),
    ['Yard', times(0.9144)],
    ['Foot', times(0.3048)],
    ['Inch', times(2.54e-2)],
    ['Mil', times(2.54e-5)],
    ['NauticalMile', times(1852)],
    ['Fathom', times(1.8288)],
    ['Shackle', times(27.432)],
    ['Microinch', times(2.54e-8)],
    ['DtpPoint', { toBase: (x) => (x / 72) * 2.54e-2, fromBase: (x) => (x / 2.54e-2) * 72 }],
  ],
  [
    // Changed between versions (Mile 1609.34 → 1609.344; the pica, printer-point and twip constants
    // became exact fractions) or absent from the older definitions.
    'Mile',
    'UsSurveyFoot',
    'PrinterPoint',
    'PrinterPica',
    'DtpPica',
    'Twip',
    'Angstrom',
    'AstronomicalUnit',
    'Chain',
    'DataMile',
    'Hand',
    'KilolightYear',
    'Kiloparsec',
    'LightYear',
    'MegalightYear',
    'Megaparsec',
    'Parsec',
    'SolarRadius',
  ],
);

const MASS = quantity(
  [
    ...withPrefixes('Gram', per(1e3), ['Nano', 'Micro', 'Milli', 'Centi', 'Deci', 'Deca', 'Hecto', 'Kilo']),
    ...withPrefixes('Tonne', times(1e3), ['Kilo', 'Mega']),
    ['ShortTon', times(9.0718474e2)],
    ['LongTon', times(1.0160469088e3)],
    ...withPrefixes('Pound', times(0.45359237), ['Kilo', 'Mega']),
    ['Ounce', times(0.028349523125)],
    ['Slug', per(6.852176556196105e-2)],
    ['Stone', per(0.1574731728702698)],
    ['ShortHundredweight', per(0.022046226218487758)],
    ['LongHundredweight', per(0.01968413055222121)],
    ['Grain', per(15432.358352941432)],
    ['EarthMass', times(5.9722e24)],
  ],
  ['SolarMass'],
);

const ENERGY = quantity(
  [
    ...withPrefixes('Joule', BASE, ['Milli', 'Kilo', 'Mega', 'Giga']),
    ...withPrefixes('Calorie', times(4.184), ['Kilo', 'Mega']),
    ...withPrefixes('BritishThermalUnit', times(1055.05585262), ['Kilo', 'Mega', 'Giga']),
    ...withPrefixes('ElectronVolt', times(1.602176565e-19), ['Kilo', 'Mega', 'Giga', 'Tera']),
    ['FootPound', times(1.355817948)],
    ['Erg', times(1e-7)],
    ...withPrefixes('WattHour', times(3600), ['Kilo', 'Mega', 'Giga', 'Tera']),
    ...withPrefixes('WattDay', { toBase: (x) => x * 24 * 3600, fromBase: (x) => x / (24 * 3600) }, [
      'Kilo',
      'Mega',
      'Giga',
      'Tera',
    ]),
    ...withPrefixes('ThermEc', times(1.05505585262e8), ['Deca']),
    ...withPrefixes('ThermUs', times(1.054804e8), ['Deca']),
    ...withPrefixes('ThermImperial', times(1.05505585257348e8), ['Deca']),
    ['HorsepowerHour', times(2.6845195377e6)],
  ],
  [],
);

const ANGLE = quantity(
  [
    ...withPrefixes('Radian', { toBase: (x) => (x * 180) / Math.PI, fromBase: (x) => (x / 180) * Math.PI }, [
      'Nano',
      'Micro',
      'Milli',
      'Centi',
      'Deci',
    ]),
    ...withPrefixes('Degree', BASE, ['Nano', 'Micro', 'Milli']),
    ['Arcminute', per(60)],
    ['Arcsecond', per(3600)],
    ['Gradian', times(0.9)],
    ['NatoMil', { toBase: (x) => (x * 9) / 160, fromBase: (x) => (x * 160) / 9 }],
    ['Revolution', times(360)],
  ],
  // Tilt is sin(θ), not a factor; how the service treats |x| > 1 is not documented.
  ['Tilt'],
);

const FORCE = quantity(
  [
    ['Dyn', per(1e5)],
    ...withPrefixes('Newton', BASE, ['Micro', 'Milli', 'Deca', 'Kilo', 'Mega']),
    ...withPrefixes('PoundForce', times(4.448221615260509), ['Kilo']),
    ['OunceForce', times(2.780138509537812e-1)],
    ['ShortTonForce', times(8.896443230521e3)],
  ],
  // Standard gravity was 9.80665002864 and is now 9.80665; the poundal was re-derived.
  ['KilogramForce', 'TonneForce', 'KiloPond', 'Poundal'],
);

const SPEED = quantity(
  [
    ...withPrefixes('MeterPerSecond', BASE, ['Nano', 'Micro', 'Milli', 'Centi', 'Deci', 'Kilo']),
    ...withPrefixes('MeterPerMinute', per(60), ['Nano', 'Micro', 'Milli', 'Centi', 'Deci', 'Kilo']),
    ...withPrefixes('MeterPerHour', per(3600), ['Milli', 'Centi', 'Kilo']),
    ['FootPerSecond', times(0.3048)],
    ['FootPerMinute', { toBase: (x) => (x * 0.3048) / 60, fromBase: (x) => (x / 0.3048) * 60 }],
    ['FootPerHour', { toBase: (x) => (x * 0.3048) / 3600, fromBase: (x) => (x / 0.3048) * 3600 }],
    ['InchPerSecond', times(2.54e-2)],
    ['InchPerMinute', { toBase: (x) => (x / 60) * 2.54e-2, fromBase: (x) => (x / 2.54e-2) * 60 }],
    ['InchPerHour', { toBase: (x) => (x / 3600) * 2.54e-2, fromBase: (x) => (x / 2.54e-2) * 3600 }],
    ['YardPerSecond', times(0.9144)],
    ['YardPerMinute', { toBase: (x) => (x * 0.9144) / 60, fromBase: (x) => (x / 0.9144) * 60 }],
    ['YardPerHour', { toBase: (x) => (x * 0.9144) / 3600, fromBase: (x) => (x / 0.9144) * 3600 }],
    ['MilePerHour', times(0.44704)],
  ],
  // Knot was 0.514444 and is now 1852/3600; the US survey foot became an exact fraction.
  ['Knot', 'UsSurveyFootPerSecond', 'UsSurveyFootPerMinute', 'UsSurveyFootPerHour'],
);

const VOLUME = quantity(
  [
    ...withPrefixes('Liter', per(1e3), ['Micro', 'Milli', 'Centi', 'Deci', 'Deca', 'Hecto', 'Kilo', 'Mega']),
    ...withPrefixes('CubicMeter', BASE, ['Hecto', 'Kilo']),
    ['CubicKilometer', times(1e9)],
    ['CubicHectometer', times(1e6)],
    ['CubicDecimeter', per(1e3)],
    ['CubicCentimeter', per(1e6)],
    ['CubicMillimeter', per(1e9)],
    ['CubicMicrometer', per(1e18)],
    ['CubicMile', times(4.16818182544058e9)],
    ['CubicYard', times(0.764554858)],
    ['UsTablespoon', times(1.478676478125e-5)],
    ['AuTablespoon', times(2e-5)],
    ['UkTablespoon', times(1.5e-5)],
    ['MetricTeaspoon', times(0.5e-5)],
    ['UsTeaspoon', times(4.92892159375e-6)],
    ['MetricCup', times(0.00025)],
    ['UsCustomaryCup', times(0.0002365882365)],
    ['UsLegalCup', times(0.00024)],
    ['OilBarrel', times(0.158987294928)],
    ['UsBeerBarrel', times(0.1173477658)],
    ['ImperialBeerBarrel', times(0.16365924)],
    ['UsQuart', times(9.46352946e-4)],
    ['UsPint', times(4.73176473e-4)],
    ['ImperialPint', times(5.6826125e-4)],
    ['AcreFoot', per(0.000810714)],
  ],
  [
    'BoardFoot',
    'CubicFoot',
    'HectocubicFoot',
    'KilocubicFoot',
    'MegacubicFoot',
    'CubicInch',
    'ImperialGallon',
    'KiloimperialGallon',
    'MegaimperialGallon',
    'ImperialOunce',
    'UsGallon',
    'DecausGallon',
    'DeciusGallon',
    'HectousGallon',
    'KilousGallon',
    'MegausGallon',
    'UsOunce',
  ],
);

function converter(kind: string, q: Quantity): ScalarImpl {
  const lookup = (name: string): Unit | null => {
    const unit = q.units.get(name);
    if (unit) return unit;
    if (q.refused.has(name))
      throw new UnsupportedError(
        `convert_${kind}() with unit '${name}'`,
        `convert_${kind}() with unit '${name}' is not supported: its factor differs between versions of the unit library the service uses, and no page pins the service's`,
      );
    const folded = [...q.units.keys(), ...q.refused].find((u) => u.toLowerCase() === name.toLowerCase());
    if (folded)
      throw new UnsupportedError(
        `convert_${kind}() with unit '${name}'`,
        `convert_${kind}() with unit '${name}': whether unit names are case-sensitive ('${folded}') is not documented`,
      );
    return null;
  };
  return ([value, from, to]) => {
    const x = num(value);
    if (x === null || typeof from !== 'string' || typeof to !== 'string') return null;
    const source = lookup(from);
    const target = lookup(to);
    if (!source || !target) return null;
    return target.fromBase(source.toBase(x));
  };
}

export const convertFunctions: FunctionTable = {
  convert_angle: converter('angle', ANGLE),
  convert_energy: converter('energy', ENERGY),
  convert_force: converter('force', FORCE),
  convert_length: converter('length', LENGTH),
  convert_mass: converter('mass', MASS),
  convert_speed: converter('speed', SPEED),
  convert_volume: converter('volume', VOLUME),
};
