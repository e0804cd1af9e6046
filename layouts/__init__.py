"""Dash components and Plotly figures of the wall, built from plain data."""
