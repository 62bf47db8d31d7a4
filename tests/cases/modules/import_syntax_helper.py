ok = 1

x = = 2
