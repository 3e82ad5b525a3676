# Two athletes tie for gold: the second element of the sorted list is gold again.
print(3)
print(9, 9, 4)
