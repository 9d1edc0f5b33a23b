export { type BacktestOptions, backtestRules, dayCount, dayStart, type RuleBacktest } from './backtest.js';
export { type BacktestData, loadBacktestData } from './data.js';
export {
  backtestRulesRemote,
  type RemoteBacktestOptions,
  type RemoteEngine,
  type RemoteRun,
} from './remote.js';
export { formatBacktestReport, progressBar, sparkline } from './report.js';
export {
  type BacktestShare,
  loadBacktestOnThreads,
  oneThreadBacktest,
  splitBacktest,
  type ThreadedBacktest,
} from './threads.js';
