

   # a file that holds only comments
#no space after the hash   


# and a blank line between them
