# Two equal levels are not a rising run of length 2.
print(2)
print(5, 5)
