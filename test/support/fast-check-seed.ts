import fc from 'fast-check';

// Property tests run with a fixed seed so a CI run is reproducible; set FC_SEED to another number
// (or FC_SEED=random) to explore new inputs locally. A failure prints the seed and the shrunk case.
const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20261123 : Number(seed) });
