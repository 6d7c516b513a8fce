/* Status names and the per-thread error record behind the check macros. */
#include "ganhpo/status.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    ganhpo_status code;
    const char *text;
} status_entry;

#define ENTRY(code, text)                                                                          \
    {                                                                                              \
        code, #code ": " text                                                                      \
    }

/* OpenCL codes are listed by value so the library needs no OpenCL header here. */
static const status_entry entries[] = {
    {GANHPO_SUCCESS, "GANHPO_SUCCESS: success"},
    {-1, "CL_DEVICE_NOT_FOUND: no OpenCL device found"},
    {-2, "CL_DEVICE_NOT_AVAILABLE: device not available"},
    {-3, "CL_COMPILER_NOT_AVAILABLE: OpenCL compiler not available"},
    {-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE: device memory allocation failed"},
    {-5, "CL_OUT_OF_RESOURCES: device out of resources"},
    {-6, "CL_OUT_OF_HOST_MEMORY: driver out of host memory"},
    {-7, "CL_PROFILING_INFO_NOT_AVAILABLE: profiling information not available"},
    {-8, "CL_MEM_COPY_OVERLAP: overlapping copy"},
    {-9, "CL_IMAGE_FORMAT_MISMATCH: image format mismatch"},
    {-10, "CL_IMAGE_FORMAT_NOT_SUPPORTED: image format not supported"},
    {-11, "CL_BUILD_PROGRAM_FAILURE: program build failed"},
    {-12, "CL_MAP_FAILURE: map failed"},
    {-13, "CL_MISALIGNED_SUB_BUFFER_OFFSET: misaligned sub-buffer offset"},
    {-14, "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST: an event in the wait list failed"},
    {-15, "CL_COMPILE_PROGRAM_FAILURE: compile failed"},
    {-16, "CL_LINKER_NOT_AVAILABLE: linker not available"},
    {-17, "CL_LINK_PROGRAM_FAILURE: link failed"},
    {-18, "CL_DEVICE_PARTITION_FAILED: device partition failed"},
    {-19, "CL_KERNEL_ARG_INFO_NOT_AVAILABLE: kernel argument info not available"},
    {-30, "CL_INVALID_VALUE: invalid value"},
    {-31, "CL_INVALID_DEVICE_TYPE: invalid device type"},
    {-32, "CL_INVALID_PLATFORM: invalid platform"},
    {-33, "CL_INVALID_DEVICE: invalid device"},
    {-34, "CL_INVALID_CONTEXT: invalid context"},
    {-35, "CL_INVALID_QUEUE_PROPERTIES: invalid queue properties"},
    {-36, "CL_INVALID_COMMAND_QUEUE: invalid command queue"},
    {-37, "CL_INVALID_HOST_PTR: invalid host pointer"},
    {-38, "CL_INVALID_MEM_OBJECT: invalid memory object"},
    {-39, "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR: invalid image format"},
    {-40, "CL_INVALID_IMAGE_SIZE: invalid image size"},
    {-41, "CL_INVALID_SAMPLER: invalid sampler"},
    {-42, "CL_INVALID_BINARY: invalid binary"},
    {-43, "CL_INVALID_BUILD_OPTIONS: invalid build options"},
    {-44, "CL_INVALID_PROGRAM: invalid program"},
    {-45, "CL_INVALID_PROGRAM_EXECUTABLE: program not built for the device"},
    {-46, "CL_INVALID_KERNEL_NAME: no kernel of that name"},
    {-47, "CL_INVALID_KERNEL_DEFINITION: invalid kernel definition"},
    {-48, "CL_INVALID_KERNEL: invalid kernel"},
    {-49, "CL_INVALID_ARG_INDEX: invalid kernel argument index"},
    {-50, "CL_INVALID_ARG_VALUE: invalid kernel argument value"},
    {-51, "CL_INVALID_ARG_SIZE: invalid kernel argument size"},
    {-52, "CL_INVALID_KERNEL_ARGS: kernel arguments not set"},
    {-53, "CL_INVALID_WORK_DIMENSION: invalid work dimension"},
    {-54, "CL_INVALID_WORK_GROUP_SIZE: invalid work-group size"},
    {-55, "CL_INVALID_WORK_ITEM_SIZE: invalid work-item size"},
    {-56, "CL_INVALID_GLOBAL_OFFSET: invalid global offset"},
    {-57, "CL_INVALID_EVENT_WAIT_LIST: invalid event wait list"},
    {-58, "CL_INVALID_EVENT: invalid event"},
    {-59, "CL_INVALID_OPERATION: invalid operation"},
    {-60, "CL_INVALID_GL_OBJECT: invalid GL object"},
    {-61, "CL_INVALID_BUFFER_SIZE: invalid buffer size"},
    {-62, "CL_INVALID_MIP_LEVEL: invalid mip level"},
    {-63, "CL_INVALID_GLOBAL_WORK_SIZE: invalid global work size"},
    {-64, "CL_INVALID_PROPERTY: invalid property"},
    {-65, "CL_INVALID_IMAGE_DESCRIPTOR: invalid image descriptor"},
    {-66, "CL_INVALID_COMPILER_OPTIONS: invalid compiler options"},
    {-67, "CL_INVALID_LINKER_OPTIONS: invalid linker options"},
    {-68, "CL_INVALID_DEVICE_PARTITION_COUNT: invalid device partition count"},
    {-69, "CL_INVALID_PIPE_SIZE: invalid pipe size"},
    {-70, "CL_INVALID_DEVICE_QUEUE: invalid device queue"},
    {-71, "CL_INVALID_SPEC_ID: invalid specialization constant id"},
    {-72, "CL_MAX_SIZE_RESTRICTION_EXCEEDED: size restriction exceeded"},
    {-1001, "CL_PLATFORM_NOT_FOUND_KHR: no OpenCL platform (ICD) installed"},
    {-1007, "CLBlastInsufficientMemoryY: vector Y buffer too small"},
    {-1008, "CLBlastInsufficientMemoryX: vector X buffer too small"},
    {-1009, "CLBlastInsufficientMemoryC: matrix C buffer too small"},
    {-1010, "CLBlastInsufficientMemoryB: matrix B buffer too small"},
    {-1011, "CLBlastInsufficientMemoryA: matrix A buffer too small"},
    {-1012, "CLBlastInvalidIncrementY: increment of Y is zero"},
    {-1013, "CLBlastInvalidIncrementX: increment of X is zero"},
    {-1014, "CLBlastInvalidLeadDimC: leading dimension of C too small"},
    {-1015, "CLBlastInvalidLeadDimB: leading dimension of B too small"},
    {-1016, "CLBlastInvalidLeadDimA: leading dimension of A too small"},
    {-1017, "CLBlastInvalidDimension: M, N and K must be positive"},
    {-1018, "CLBlastInvalidVectorY: Y is not a valid buffer"},
    {-1019, "CLBlastInvalidVectorX: X is not a valid buffer"},
    {-1020, "CLBlastInvalidMatrixC: C is not a valid buffer"},
    {-1021, "CLBlastInvalidMatrixB: B is not a valid buffer"},
    {-1022, "CLBlastInvalidMatrixA: A is not a valid buffer"},
    {-1024, "CLBlastNotImplemented: routine not implemented"},
    {-2039, "CLBlastUnexpectedError: unexpected CLBlast error"},
    {-2040, "CLBlastUnknownError: unknown CLBlast error"},
    {-2041, "CLBlastDatabaseError: no tuning entry for the device"},
    {-2042, "CLBlastInsufficientMemoryScalar: scalar buffer too small"},
    {-2043, "CLBlastInvalidVectorScalar: scalar is not a valid buffer"},
    {-2044, "CLBlastNoDoublePrecision: device lacks double precision"},
    {-2045, "CLBlastNoHalfPrecision: device lacks half precision"},
    {-2046, "CLBlastInvalidLocalMemUsage: not enough local memory on the device"},
    {-2047, "CLBlastMissingOverrideParameter: missing override parameter"},
    {-2048, "CLBlastInvalidOverrideKernel: invalid override kernel"},
    {-2049, "CLBlastInvalidBatchCount: batch count must be positive"},
    {-2050, "CLBlastInsufficientMemoryTemp: GEMM temporary buffer too small"},
    ENTRY(GANHPO_ERR_ALLOC, "host memory allocation failed"),
    ENTRY(GANHPO_ERR_ARGUMENT, "invalid argument"),
    ENTRY(GANHPO_ERR_IO, "file system error"),
    ENTRY(GANHPO_ERR_NO_PLATFORM, "no OpenCL platform installed"),
    ENTRY(GANHPO_ERR_NO_DEVICE, "no OpenCL device matches the selector"),
    ENTRY(GANHPO_ERR_BUILD, "OpenCL program build failed"),
    ENTRY(GANHPO_ERR_KERNEL_SOURCE, "kernel source missing or unreadable"),
    ENTRY(GANHPO_ERR_NUMERIC, "NaN or Inf encountered"),
    ENTRY(GANHPO_ERR_STATE, "object used out of order"),
    ENTRY(GANHPO_ERR_INTERRUPTED, "interrupted by a signal"),
    ENTRY(GANHPO_ERR_USAGE, "command-line misuse"),
    ENTRY(GANHPO_ERR_UNSUPPORTED, "device capability missing"),
    ENTRY(GANHPO_ERR_CONFIG_SYNTAX, "study file syntax error"),
    ENTRY(GANHPO_ERR_CONFIG_KEY, "unknown or missing study-file key"),
    ENTRY(GANHPO_ERR_CONFIG_TYPE, "study-file value has the wrong type"),
    ENTRY(GANHPO_ERR_CONFIG_VALUE, "study-file value out of range"),
    ENTRY(GANHPO_ERR_DATA_FORMAT, "malformed data file"),
    ENTRY(GANHPO_ERR_DATA_VALUE, "invalid value in data"),
    ENTRY(GANHPO_ERR_DATA_EMPTY, "no events"),
    ENTRY(GANHPO_ERR_WEIGHTS, "malformed weights file"),
    ENTRY(GANHPO_ERR_RESULTS, "results log does not match the study"),
    ENTRY(GANHPO_ERR_MPI, "MPI call failed"),
    ENTRY(GANHPO_ERR_MPI_LAYOUT, "rank count does not fit the group size"),
    ENTRY(GANHPO_ERR_GSL, "GSL routine failed"),
    ENTRY(GANHPO_ERR_SINGULAR, "singular matrix"),
};

const char *ganhpo_status_string(ganhpo_status status)
{
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        if (entries[i].code == status)
            return entries[i].text;
    return "unknown status";
}

enum { MAX_FRAMES = 16, MESSAGE_SIZE = 8192, FRAME_SIZE = 256 };

typedef struct {
    ganhpo_status status;
    char message[MESSAGE_SIZE];
    int frames;
    char frame[MAX_FRAMES][FRAME_SIZE];
} error_record;

static _Thread_local error_record record;

static void add_frame(const char *file, int line, const char *func, const char *what)
{
    if (record.frames >= MAX_FRAMES)
        return;
    const char *base = strrchr(file, '/');
    snprintf(record.frame[record.frames++], FRAME_SIZE, "%s:%d %s(): %s", base ? base + 1 : file,
             line, func, what);
}

ganhpo_status ganhpo_error_raise(ganhpo_status status, const char *file, int line, const char *func,
                                 const char *fmt, ...)
{
    record.status = status;
    record.frames = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(record.message, sizeof record.message, fmt, ap);
    va_end(ap);
    add_frame(file, line, func, "raised here");
    return status;
}

ganhpo_status ganhpo_error_trace(ganhpo_status status, const char *file, int line, const char *func,
                                 const char *call)
{
    if (record.status != status) {
        record.status = status;
        record.frames = 0;
        snprintf(record.message, sizeof record.message, "%s failed", call);
    }
    add_frame(file, line, func, call);
    return status;
}

const char *ganhpo_error_message(void)
{
    return record.message;
}

ganhpo_status ganhpo_error_status(void)
{
    return record.status;
}

void ganhpo_error_print(FILE *f)
{
    fprintf(f, "error: %s\n  (%s)\n", record.message, ganhpo_status_string(record.status));
    for (int i = 0; i < record.frames; i++)
        fprintf(f, "    at %s\n", record.frame[i]);
}

void ganhpo_error_clear(void)
{
    record.status = GANHPO_SUCCESS;
    record.message[0] = '\0';
    record.frames = 0;
}
