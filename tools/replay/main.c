#include <stdio.h>

#include "otelsim/version.h"

int main(void)
{
	printf("otlp-replay %s\n", OTELSIM_VERSION);
	return 0;
}
