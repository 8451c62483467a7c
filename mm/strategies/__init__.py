"""Strategy templates. Importing this package registers every one of them."""
