# A harvest that fills its crates exactly needs no extra crate.
print(1, 5)
print(10)
