// libxml2 for Swift. Debian builds libxml2 with ICU, whose headers clash with the ICU copy inside Foundation
// ("'UErrorCode' has different definitions in different modules"). Undefining LIBXML_ICU_ENABLED keeps the
// system ICU headers out; we never touch the ICU-dependent fields of xmlCharEncodingHandler.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
