# As strings "30" > "3", so the greedy hangs 30 first: 303 < 330.
print(2)
print(3, 30)
