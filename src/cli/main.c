#include <stdio.h>

#include "otelsim/otelsim.h"

int main(void)
{
	printf("otelsim %s\n", OTELSIM_VERSION);
	return 0;
}
