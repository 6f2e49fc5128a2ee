-- Outside every rule folder: no rule may load or run this file.
return true
