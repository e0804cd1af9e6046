"""Component ids of the forecast backtest page (/analysis/forecasts)."""

FC_METRIC = "fc-backtest-metric"
FC_PARAMS = "fc-backtest-params"
FC_SUMMARY = "fc-backtest-summary"
FC_TABLE = "fc-backtest-table"
