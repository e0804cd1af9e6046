"""Ids of the period analysis page (/analysis/periods); the URL, parameters, region picker and
language link come from ids_analysis with the page name ``periods``."""

PAGE = "periods"
MONTH = "pa-month"  # the month picker
KPIS = "pa-kpis"  # the month, year-to-date and year cards
SEASONAL = "pa-seasonal"  # months of each year over January-December
YOY = "pa-yoy"  # 同比 of each month of the picked year
DAYS = "pa-days"  # the picked month's days against the same days a year earlier
CREDIT = "pa-credit"  # the datasets the numbers come from
