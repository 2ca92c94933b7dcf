// libwasmc.so's own translation unit: the API lives in the wasmc_capi
// archive, linked whole into the shared library (embed/CMakeLists.txt).
