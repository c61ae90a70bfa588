"""Dataset exports: the formats (`formats`), the record shape of each (`records`), the files (`files`)."""
