"""The market-making desk: strategies decide quotes, the quote engine turns them into
orders, risk keeps them inside limits. Prices and quantities are engine integers (1e-9)."""
