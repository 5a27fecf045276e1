// The header from C++ (-Wall -Wextra -Werror): the initialisers and a
// std::atomic<int> cancel flag, as a C++ test suite would use them.
#include <otelsim/otelsim.h>

#include <atomic>
#include <cstdio>

int main(int argc, char **argv)
{
	otelsim *os = nullptr;
	otelsim_error err{};
	otelsim_load_options lo = OTELSIM_LOAD_OPTIONS_INIT;
	otelsim_render_options ro = OTELSIM_RENDER_OPTIONS_INIT;
	otelsim_render_result res{};
	std::atomic<int> stop{1}; // already set: the render stops at once

	if (argc != 2)
		return 2;
	lo.root = argv[1];
	if (otelsim_load(&lo, &os, &err))
		return 1;
	ro.scenario = "checkout_flow";
	ro.cancel = &stop;
	int rc = otelsim_render_files(os, &ro, &res, &err);
	std::printf("cancelled: %s\n", rc == OTELSIM_EIO ? err.message : "NOT STOPPED");
	otelsim_free(os);
	return 0;
}
