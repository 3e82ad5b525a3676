# A lone beacon: there is no pair, the answer is -1.
print(1)
print(5)
