"""Text columns read as kam's rules say, in pandas (see rules.py): shared by the pandas peers
(pandas_rank.py here, ../analyst/sklearn_weights_fit.py)."""

import numpy as np
import pandas as pd

from rules import UNITS


def number(text, unit):
    """Numbers as kam reads them: separators, % in percent columns, money units."""
    text = text.str.replace(",", "", regex=False)
    scale = np.ones(len(text))
    if unit == "percent":
        text = text.str.removesuffix("%")
    elif unit in UNITS:
        for suffix, exponent in (("万元", 4), ("亿元", 8), ("万", 4), ("亿", 8), ("元", 0)):
            has = text.str.endswith(suffix).to_numpy()
            if has.any():
                text = text.where(~has, text.str.slice(0, -len(suffix)))
                scale[has] = 10.0 ** (exponent - UNITS[unit])
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float) * scale


def text_utilities(factor, text, codes):
    """A factor's column of text as (utilities before the direction, missing, unreadable):
    blank or a missing code (case ignored) is missing; a label matches exactly, then
    ignoring case; a number is read by `number`; a present value that does not read is
    unreadable (kam rejects its row)."""
    missing = ((text == "") | text.str.lower().isin(codes)).to_numpy()
    if factor.kind == "categorical":
        u = text.map(factor.labels).to_numpy(dtype=float)
        unknown = np.isnan(u) & ~missing
        if unknown.any():
            u[unknown] = text[unknown].str.lower().map(factor.folded).to_numpy(dtype=float)
        return u, missing, np.isnan(u) & ~missing
    x = number(text, factor.unit)
    return factor.numeric_utility(x), missing, np.isnan(x) & ~missing
