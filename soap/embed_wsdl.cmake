# Run at build time (cmake -P): writes OUTPUT, a C++ source that holds the WSDL file INPUT as a string, so the
# daemon serves GET /qbwc?wsdl from memory and needs no file beside the binary.
#   cmake -DINPUT=wsdl/qbwc.wsdl -DOUTPUT=gen/qbwc_wsdl.cpp -P embed_wsdl.cmake
file(READ "${INPUT}" _wsdl)
string(FIND "${_wsdl}" ")qbwc_wsdl\"" _clash)
if(NOT _clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )qbwc_wsdl\"")
endif()
set(_text "// Generated from ${INPUT} by soap/embed_wsdl.cmake. Do not edit; never committed.\n")
string(APPEND _text "#include <string_view>\n\n")
string(APPEND _text "namespace settlebridge::soap {\n\n")
string(APPEND _text "std::string_view qbwcWsdl() noexcept {\n")
string(APPEND _text "    static constexpr std::string_view kWsdl = R\"qbwc_wsdl(${_wsdl})qbwc_wsdl\";\n")
string(APPEND _text "    return kWsdl;\n}\n\n}  // namespace settlebridge::soap\n")
file(WRITE "${OUTPUT}" "${_text}")
