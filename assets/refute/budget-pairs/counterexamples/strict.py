# A pair whose fares add up to exactly the budget.
print(2, 2)
print(1, 1)
