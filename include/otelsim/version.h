/* otelsim/version.h - the tool version (never written into fixture bytes). */
#ifndef OTELSIM_VERSION_H
#define OTELSIM_VERSION_H

#define OTELSIM_VERSION "0.1.0"

#endif
