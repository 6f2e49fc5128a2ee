#include <stdio.h>

int main(void) {
  puts("vigil " VIGIL_VERSION);
  return 0;
}
