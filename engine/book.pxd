# Compiled engine (engine/native.py): a book side as a cdef class, so matching finds,
# removes and inserts price levels with C calls.
cimport cython

cdef class BookSide:
    cdef list _keys, _levels
    cdef dict _at

    cpdef get(self, object key, object default=*)
    cpdef best(self)
    cpdef remove_best(self)
    @cython.locals(keys=list, i=Py_ssize_t)
    cpdef insert(self, object key, object level)
    @cython.locals(keys=list, i=Py_ssize_t, last=Py_ssize_t)
    cpdef remove(self, object key)
    @cython.locals(keys=list, lo=Py_ssize_t, hi=Py_ssize_t, mid=Py_ssize_t)
    cdef Py_ssize_t _index(self, object key) except -1
