#pragma once
// Boost.Process v2 as shipped in Boost 1.81, used with std::filesystem
// (BOOST_PROCESS_USE_STD_FS), names boost::optional, boost::decay and boost::is_convertible
// without including them: the Boost.Filesystem path used to pull them in. Include them first.
#include <boost/io/quoted.hpp>
#include <boost/optional.hpp>
#include <boost/type_traits/decay.hpp>
#include <boost/type_traits/is_convertible.hpp>
// Then the parts of Process v2 stickycheck uses.
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
