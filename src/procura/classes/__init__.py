"""Classes of leads (类案): leads of one model grouped by the body, region or legal point behind them."""
