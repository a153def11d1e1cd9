#include "checkpoint/pickle_reader.hpp"

#include "base/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <utility>

namespace lutgen {

namespace {

// Bounds on what one checkpoint may build, so that a hostile file cannot exhaust memory. The
// LogicNets jsc_s_digits checkpoint builds about 26 values per tensor, so a state dict of over
// 100,000 tensors fits.
constexpr size_t kMaxValues = size_t(1) << 22;
constexpr size_t kMaxStackDepth = size_t(1) << 20;
constexpr size_t kMaxMarkDepth = 4096;
constexpr size_t kMaxMemoEntries = size_t(1) << 22;
constexpr size_t kMaxTensorDims = 64;
constexpr size_t kMaxGlobalNameLength = 256;
constexpr size_t kMaxStorageKeyLength = 256;
constexpr int kMaxProtocol = 5;

constexpr const char* kDamagedHint =
    "the file is incomplete or damaged; copy it again or re-save it with torch.save(model.state_dict(), path)";
constexpr const char* kResaveHint =
    "only state dicts of tensors can be read; re-save it with torch.save(model.state_dict(), path)";

// Pickle opcodes of protocols 2 to 5 that torch.save output uses.
enum Opcode : uint8_t {
    kMark = '(',
    kStop = '.',
    kPop = '0',
    kPopMark = '1',
    kDup = '2',
    kBinFloat = 'G',
    kBinInt = 'J',
    kBinInt1 = 'K',
    kBinInt2 = 'M',
    kNone = 'N',
    kBinPersId = 'Q',
    kReduce = 'R',
    kBinString = 'T',
    kShortBinString = 'U',
    kBinUnicode = 'X',
    kEmptyList = ']',
    kAppend = 'a',
    kBuild = 'b',
    kGlobal = 'c',
    kDict = 'd',
    kEmptyDict = '}',
    kAppends = 'e',
    kBinGet = 'h',
    kLongBinGet = 'j',
    kList = 'l',
    kBinPut = 'q',
    kLongBinPut = 'r',
    kSetItem = 's',
    kTuple = 't',
    kEmptyTuple = ')',
    kSetItems = 'u',
    kBinBytes = 'B',
    kShortBinBytes = 'C',
    kProto = 0x80,
    kNewObj = 0x81,
    kTuple1 = 0x85,
    kTuple2 = 0x86,
    kTuple3 = 0x87,
    kNewTrue = 0x88,
    kNewFalse = 0x89,
    kLong1 = 0x8a,
    kLong4 = 0x8b,
    kShortBinUnicode = 0x8c,
    kBinUnicode8 = 0x8d,
    kBinBytes8 = 0x8e,
    kNewObjEx = 0x92,
    kStackGlobal = 0x93,
    kMemoize = 0x94,
    kFrame = 0x95,
    kByteArray8 = 0x96,
};

struct AllowedGlobal {
    const char* name;
    PickleGlobal global;
    TensorDType dtype;
};

// Everything else, such as os.system or a model class, is rejected by name.
constexpr AllowedGlobal kAllowedGlobals[] = {
    {"collections.OrderedDict", PickleGlobal::OrderedDict, TensorDType::Float32},
    {"torch._utils._rebuild_tensor", PickleGlobal::RebuildTensor, TensorDType::Float32},
    {"torch._utils._rebuild_tensor_v2", PickleGlobal::RebuildTensorV2, TensorDType::Float32},
    {"torch._utils._rebuild_parameter", PickleGlobal::RebuildParameter, TensorDType::Float32},
    {"torch._utils._rebuild_parameter_with_state", PickleGlobal::RebuildParameterWithState,
     TensorDType::Float32},
    {"torch.device", PickleGlobal::Device, TensorDType::Float32},
    {"torch.Size", PickleGlobal::Size, TensorDType::Float32},
    {"numpy.core.multiarray.scalar", PickleGlobal::NumpyScalar, TensorDType::Float32},
    {"numpy.dtype", PickleGlobal::NumpyDType, TensorDType::Float32},
    {"torch.FloatStorage", PickleGlobal::StorageType, TensorDType::Float32},
    {"torch.DoubleStorage", PickleGlobal::StorageType, TensorDType::Float64},
    {"torch.HalfStorage", PickleGlobal::StorageType, TensorDType::Float16},
    {"torch.BFloat16Storage", PickleGlobal::StorageType, TensorDType::BFloat16},
    {"torch.LongStorage", PickleGlobal::StorageType, TensorDType::Int64},
    {"torch.IntStorage", PickleGlobal::StorageType, TensorDType::Int32},
    {"torch.ShortStorage", PickleGlobal::StorageType, TensorDType::Int16},
    {"torch.CharStorage", PickleGlobal::StorageType, TensorDType::Int8},
    {"torch.ByteStorage", PickleGlobal::StorageType, TensorDType::UInt8},
    {"torch.BoolStorage", PickleGlobal::StorageType, TensorDType::Bool},
};

class Unpickler {
public:
    Unpickler(const uint8_t* data, size_t size, size_t offset, PickleObjects& objects,
              const std::string& subject, const std::string& part)
        : data_(data), size_(size), pos_(offset), objects_(objects), subject_(subject), part_(part)
    {
    }

    PickleValueId run();
    size_t offset() const { return pos_; }

private:
    [[noreturn]] void fail(const std::string& what_failed, const std::string& value = "",
                           const char* hint = kDamagedHint) const;
    [[noreturn]] void fail_truncated(size_t count) const;
    std::string where(size_t offset) const;

    void require(size_t count) const;
    uint8_t read_u8();
    uint64_t read_le(size_t bytes);
    std::string read_bytes(uint64_t count);
    std::string read_line();

    PickleValueId add(PickleValue value);
    PickleValueId add_kind(PickleKind kind);
    PickleValueId add_int(int64_t integer);
    PickleValueId add_text(PickleKind kind, std::string text);
    PickleValueId add_sequence(PickleKind kind, std::vector<PickleValueId> items);

    void push(PickleValueId id);
    PickleValueId pop();
    PickleValueId top() const;
    void push_mark();
    std::vector<PickleValueId> pop_to_mark();
    const PickleValue& value(PickleValueId id) const { return objects_.values[id]; }
    int64_t integer_argument(PickleValueId id, const char* what) const;

    void execute(uint8_t opcode);
    void load_long(uint64_t length);
    void load_global(const std::string& module, const std::string& name);
    void append_items(const std::vector<PickleValueId>& items);
    void set_items(const std::vector<PickleValueId>& items);
    void memo_put(uint64_t index);
    void memo_get(uint64_t index);
    PickleValueId call(PickleValueId callable, PickleValueId arguments);
    PickleValueId rebuild_tensor(const std::vector<PickleValueId>& arguments);
    PickleValueId load_persistent_id(PickleValueId pid);

    const uint8_t* data_;
    size_t size_;
    size_t pos_;
    size_t opcode_offset_ = 0;
    PickleObjects& objects_;
    const std::string& subject_;
    const std::string& part_;
    std::vector<PickleValueId> stack_;
    std::vector<size_t> marks_;
    std::unordered_map<uint64_t, PickleValueId> memo_;
};

std::string Unpickler::where(size_t offset) const
{
    if (part_.empty())
        return fmt::format("at offset {}", offset);
    return fmt::format("at offset {} of '{}'", offset, part_);
}

void Unpickler::fail(const std::string& what_failed, const std::string& value, const char* hint) const
{
    throw Error(subject_, fmt::format("{} {}", what_failed, where(opcode_offset_)), value, hint);
}

void Unpickler::fail_truncated(size_t count) const
{
    throw Error(subject_, fmt::format("truncated pickle: expected {} bytes {}", count, where(pos_)),
                fmt::format("{} bytes left", size_ - pos_),
                kDamagedHint);
}

void Unpickler::require(size_t count) const
{
    if (count > size_ - pos_)
        fail_truncated(count);
}

uint8_t Unpickler::read_u8()
{
    require(1);
    return data_[pos_++];
}

uint64_t Unpickler::read_le(size_t bytes)
{
    require(bytes);
    uint64_t result = 0;
    for (size_t i = 0; i < bytes; ++i)
        result |= uint64_t(data_[pos_ + i]) << (8 * i);
    pos_ += bytes;
    return result;
}

std::string Unpickler::read_bytes(uint64_t count)
{
    if (count > size_ - pos_)
        fail_truncated(count > std::numeric_limits<size_t>::max() ? std::numeric_limits<size_t>::max()
                                                                   : size_t(count));
    std::string bytes(reinterpret_cast<const char*>(data_ + pos_), size_t(count));
    pos_ += size_t(count);
    return bytes;
}

std::string Unpickler::read_line()
{
    size_t limit = std::min(size_ - pos_, kMaxGlobalNameLength + 1);
    const void* newline = std::memchr(data_ + pos_, '\n', limit);
    if (newline == nullptr) {
        if (limit == size_ - pos_)
            fail_truncated(limit + 1);
        fail("invalid pickle: GLOBAL name longer than 256 bytes");
    }
    size_t length = size_t(static_cast<const uint8_t*>(newline) - (data_ + pos_));
    std::string line(reinterpret_cast<const char*>(data_ + pos_), length);
    pos_ += length + 1;
    return line;
}

PickleValueId Unpickler::add(PickleValue value)
{
    if (objects_.values.size() >= kMaxValues)
        fail("pickle builds too many values", fmt::format("more than {}", kMaxValues), kResaveHint);
    objects_.values.push_back(std::move(value));
    return PickleValueId(objects_.values.size() - 1);
}

PickleValueId Unpickler::add_kind(PickleKind kind)
{
    PickleValue value;
    value.kind = kind;
    return add(std::move(value));
}

PickleValueId Unpickler::add_int(int64_t integer)
{
    PickleValue value;
    value.kind = PickleKind::Int;
    value.integer = integer;
    return add(std::move(value));
}

PickleValueId Unpickler::add_text(PickleKind kind, std::string text)
{
    PickleValue value;
    value.kind = kind;
    value.text = std::move(text);
    return add(std::move(value));
}

PickleValueId Unpickler::add_sequence(PickleKind kind, std::vector<PickleValueId> items)
{
    PickleValue value;
    value.kind = kind;
    value.items = std::move(items);
    return add(std::move(value));
}

void Unpickler::push(PickleValueId id)
{
    if (stack_.size() >= kMaxStackDepth)
        fail("pickle stack too deep", fmt::format("more than {} entries", kMaxStackDepth), kResaveHint);
    stack_.push_back(id);
}

PickleValueId Unpickler::pop()
{
    if (stack_.empty() || (!marks_.empty() && marks_.back() == stack_.size()))
        fail("invalid pickle: stack underflow");
    PickleValueId id = stack_.back();
    stack_.pop_back();
    return id;
}

PickleValueId Unpickler::top() const
{
    if (stack_.empty() || (!marks_.empty() && marks_.back() == stack_.size()))
        fail("invalid pickle: stack underflow");
    return stack_.back();
}

void Unpickler::push_mark()
{
    if (marks_.size() >= kMaxMarkDepth)
        fail("pickle nests too many marks", fmt::format("more than {}", kMaxMarkDepth), kResaveHint);
    marks_.push_back(stack_.size());
}

std::vector<PickleValueId> Unpickler::pop_to_mark()
{
    if (marks_.empty())
        fail("invalid pickle: no MARK before this opcode");
    size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<PickleValueId> items(stack_.begin() + std::ptrdiff_t(mark), stack_.end());
    stack_.resize(mark);
    return items;
}

int64_t Unpickler::integer_argument(PickleValueId id, const char* what) const
{
    if (value(id).kind != PickleKind::Int)
        fail(fmt::format("invalid pickle: {} is not an integer", what));
    return value(id).integer;
}

void Unpickler::load_long(uint64_t length)
{
    if (length == 0) {
        push(add_int(0));
        return;
    }
    std::string bytes = read_bytes(length);
    if (length > 8) {
        push(add_text(PickleKind::BigInt, std::move(bytes)));
        return;
    }

    // Sign-extend the little-endian two's complement bytes to 64 bits.
    uint64_t bits = 0;
    for (size_t i = 0; i < length; ++i)
        bits |= uint64_t(uint8_t(bytes[i])) << (8 * i);
    if (length < 8 && (uint8_t(bytes[length - 1]) & 0x80) != 0)
        bits |= ~uint64_t(0) << (8 * length);
    int64_t integer;
    std::memcpy(&integer, &bits, sizeof integer);
    push(add_int(integer));
}

void Unpickler::load_global(const std::string& module, const std::string& name)
{
    std::string qualified = module + "." + name;
    for (const AllowedGlobal& allowed : kAllowedGlobals) {
        if (qualified != allowed.name)
            continue;
        PickleValue value;
        value.kind = PickleKind::Global;
        value.text = qualified;
        value.global = allowed.global;
        value.storage_dtype = allowed.dtype;
        push(add(std::move(value)));
        return;
    }
    fail("unsupported pickle global", qualified, kResaveHint);
}

void Unpickler::append_items(const std::vector<PickleValueId>& items)
{
    PickleValueId list = top();
    if (value(list).kind != PickleKind::List)
        fail("invalid pickle: APPEND or APPENDS needs a list");
    std::vector<PickleValueId>& elements = objects_.values[list].items;
    elements.insert(elements.end(), items.begin(), items.end());
}

void Unpickler::set_items(const std::vector<PickleValueId>& items)
{
    PickleValueId dict = top();
    if (value(dict).kind != PickleKind::Dict)
        fail("invalid pickle: SETITEM or SETITEMS needs a dict");
    if (items.size() % 2 != 0)
        fail("invalid pickle: SETITEMS needs key and value pairs");

    // A repeated key is kept as a second entry, and readers take the last one as Python does.
    std::vector<PickleValueId>& entries = objects_.values[dict].items;
    entries.insert(entries.end(), items.begin(), items.end());
}

void Unpickler::memo_put(uint64_t index)
{
    if (memo_.size() >= kMaxMemoEntries && memo_.count(index) == 0)
        fail("pickle memo too large", fmt::format("more than {} entries", kMaxMemoEntries), kResaveHint);
    memo_[index] = top();
}

void Unpickler::memo_get(uint64_t index)
{
    auto found = memo_.find(index);
    if (found == memo_.end())
        fail("invalid pickle: memo entry read before it was stored", std::to_string(index));
    push(found->second);
}

PickleValueId Unpickler::rebuild_tensor(const std::vector<PickleValueId>& arguments)
{
    // _rebuild_tensor(storage, storage_offset, size, stride) and _rebuild_tensor_v2, which appends
    // requires_grad, backward_hooks and, in PyTorch 2, metadata. The appended arguments are ignored.
    const PickleValue& storage = value(arguments[0]);
    if (storage.kind != PickleKind::Storage)
        fail("invalid pickle: tensor rebuilt from something that is not a storage");

    TensorRef tensor;
    tensor.storage = size_t(storage.integer);
    tensor.storage_offset = integer_argument(arguments[1], "tensor storage offset");
    if (tensor.storage_offset < 0)
        fail("invalid pickle: negative tensor storage offset", std::to_string(tensor.storage_offset));

    const PickleValue& shape = value(arguments[2]);
    const PickleValue& strides = value(arguments[3]);
    if (shape.kind != PickleKind::Tuple || strides.kind != PickleKind::Tuple)
        fail("invalid pickle: tensor shape and strides must be tuples");
    if (shape.items.size() != strides.items.size())
        fail("invalid pickle: tensor shape and strides differ in length");
    if (shape.items.size() > kMaxTensorDims)
        fail(fmt::format("tensor has more than {} dimensions", kMaxTensorDims),
             std::to_string(shape.items.size()), kResaveHint);

    for (size_t i = 0; i < shape.items.size(); ++i) {
        int64_t extent = integer_argument(shape.items[i], "tensor size");
        int64_t stride = integer_argument(strides.items[i], "tensor stride");
        if (extent < 0 || stride < 0)
            fail("invalid pickle: negative tensor size or stride",
                 fmt::format("size {} stride {}", extent, stride));
        tensor.shape.push_back(extent);
        tensor.strides.push_back(stride);
    }

    objects_.tensors.push_back(std::move(tensor));
    PickleValue result;
    result.kind = PickleKind::Tensor;
    result.integer = int64_t(objects_.tensors.size() - 1);
    return add(std::move(result));
}

PickleValueId Unpickler::call(PickleValueId callable_id, PickleValueId arguments_id)
{
    const PickleValue& callable = value(callable_id);
    if (callable.kind != PickleKind::Global)
        fail("invalid pickle: REDUCE or NEWOBJ on something that is not an allowed global");
    if (value(arguments_id).kind != PickleKind::Tuple)
        fail("invalid pickle: REDUCE or NEWOBJ arguments must be a tuple");
    const std::vector<PickleValueId> arguments = value(arguments_id).items;

    switch (callable.global) {
    case PickleGlobal::OrderedDict: {
        if (arguments.empty())
            return add_kind(PickleKind::Dict);

        // OrderedDict([(key, value), ...])
        if (arguments.size() != 1 || value(arguments[0]).kind != PickleKind::List)
            fail("invalid pickle: OrderedDict takes no arguments or a list of pairs");
        std::vector<PickleValueId> entries;
        for (PickleValueId pair_id : value(arguments[0]).items) {
            const PickleValue& pair = value(pair_id);
            if ((pair.kind != PickleKind::Tuple && pair.kind != PickleKind::List) || pair.items.size() != 2)
                fail("invalid pickle: OrderedDict item is not a key and value pair");
            entries.push_back(pair.items[0]);
            entries.push_back(pair.items[1]);
        }
        return add_sequence(PickleKind::Dict, std::move(entries));
    }

    case PickleGlobal::RebuildTensor:
        if (arguments.size() != 4)
            fail("invalid pickle: _rebuild_tensor takes 4 arguments", std::to_string(arguments.size()));
        return rebuild_tensor(arguments);

    case PickleGlobal::RebuildTensorV2:
        if (arguments.size() != 6 && arguments.size() != 7)
            fail("invalid pickle: _rebuild_tensor_v2 takes 6 or 7 arguments", std::to_string(arguments.size()));
        return rebuild_tensor(arguments);

    case PickleGlobal::RebuildParameter:
    case PickleGlobal::RebuildParameterWithState: {
        // _rebuild_parameter(data, requires_grad, backward_hooks[, state]) returns its tensor.
        size_t expected = callable.global == PickleGlobal::RebuildParameter ? 3 : 4;
        if (arguments.size() != expected || value(arguments[0]).kind != PickleKind::Tensor)
            fail(fmt::format("invalid pickle: {} takes a tensor and {} more arguments", callable.text,
                             expected - 1));
        return arguments[0];
    }

    case PickleGlobal::Size: {
        // torch.Size((2, 3)) is a tuple of integers.
        if (arguments.size() != 1 ||
            (value(arguments[0]).kind != PickleKind::Tuple && value(arguments[0]).kind != PickleKind::List))
            fail("invalid pickle: torch.Size takes one tuple");
        std::vector<PickleValueId> items = value(arguments[0]).items;
        return add_sequence(PickleKind::Tuple, std::move(items));
    }

    case PickleGlobal::Device:
    case PickleGlobal::NumpyScalar:
    case PickleGlobal::NumpyDType:
        return add_kind(PickleKind::Opaque);

    case PickleGlobal::StorageType:
        break;
    }
    fail("unsupported pickle call", callable.text, kResaveHint);
}

PickleValueId Unpickler::load_persistent_id(PickleValueId pid_id)
{
    const PickleValue& pid = value(pid_id);
    if (pid.kind != PickleKind::Tuple || pid.items.empty() || value(pid.items[0]).kind != PickleKind::String)
        fail("invalid pickle: persistent id is not a tuple starting with a type name");
    const std::string& type_name = value(pid.items[0]).text;
    if (type_name != "storage")
        fail("unsupported persistent id type", type_name, kResaveHint);

    // ('storage', storage_type, key, location, numel) in zip files; legacy files append
    // view_metadata, which is None or (view_key, offset, view_numel).
    if (pid.items.size() != 5 && pid.items.size() != 6)
        fail("invalid pickle: storage persistent id has neither 5 nor 6 fields", std::to_string(pid.items.size()));
    const PickleValue& storage_type = value(pid.items[1]);
    if (storage_type.kind != PickleKind::Global || storage_type.global != PickleGlobal::StorageType)
        fail("invalid pickle: storage persistent id names no storage type");
    const PickleValue& key = value(pid.items[2]);
    if (key.kind != PickleKind::String || key.text.empty() || key.text.size() > kMaxStorageKeyLength ||
        key.text.find_first_of(std::string("/\\\0", 3)) != std::string::npos)
        fail("invalid pickle: storage key is not a plain string");
    if (value(pid.items[3]).kind != PickleKind::String)
        fail("invalid pickle: storage location is not a string");

    StorageRef storage;
    storage.key = key.text;
    storage.dtype = storage_type.storage_dtype;
    storage.root_element_count = integer_argument(pid.items[4], "storage element count");
    if (storage.root_element_count < 0)
        fail("invalid pickle: negative storage element count", std::to_string(storage.root_element_count));
    storage.element_count = storage.root_element_count;

    if (pid.items.size() == 6 && value(pid.items[5]).kind != PickleKind::None) {
        const PickleValue& view = value(pid.items[5]);
        if (view.kind != PickleKind::Tuple || view.items.size() != 3)
            fail("invalid pickle: storage view metadata is not (view_key, offset, numel)");
        storage.view_offset = integer_argument(view.items[1], "storage view offset");
        storage.element_count = integer_argument(view.items[2], "storage view element count");
        if (storage.view_offset < 0 || storage.element_count < 0 ||
            storage.view_offset > storage.root_element_count - storage.element_count)
            fail("invalid pickle: storage view lies outside its storage",
                 fmt::format("offset {} numel {} of {}", storage.view_offset, storage.element_count,
                             storage.root_element_count));
    }

    objects_.storages.push_back(std::move(storage));
    PickleValue result;
    result.kind = PickleKind::Storage;
    result.integer = int64_t(objects_.storages.size() - 1);
    return add(std::move(result));
}

void Unpickler::execute(uint8_t opcode)
{
    switch (opcode) {
    case kProto: {
        uint8_t protocol = read_u8();
        if (protocol > kMaxProtocol)
            fail("unsupported pickle protocol", std::to_string(protocol), kResaveHint);
        return;
    }
    case kFrame: {
        // Frames only group opcodes for buffered reading, so the reader checks the length and reads on.
        uint64_t length = read_le(8);
        if (length > size_ - pos_)
            fail_truncated(size_t(std::min<uint64_t>(length, std::numeric_limits<size_t>::max())));
        return;
    }

    case kMark:
        push_mark();
        return;
    case kPop:
        if (!marks_.empty() && marks_.back() == stack_.size()) {
            marks_.pop_back();
            return;
        }
        pop();
        return;
    case kPopMark:
        pop_to_mark();
        return;
    case kDup:
        push(top());
        return;

    case kNone:
        push(add_kind(PickleKind::None));
        return;
    case kNewTrue:
    case kNewFalse: {
        PickleValue value;
        value.kind = PickleKind::Bool;
        value.integer = opcode == kNewTrue ? 1 : 0;
        push(add(std::move(value)));
        return;
    }
    case kBinInt: {
        uint32_t bits = uint32_t(read_le(4));
        int32_t integer;
        std::memcpy(&integer, &bits, sizeof integer);
        push(add_int(integer));
        return;
    }
    case kBinInt1:
        push(add_int(int64_t(read_le(1))));
        return;
    case kBinInt2:
        push(add_int(int64_t(read_le(2))));
        return;
    case kLong1:
        load_long(read_le(1));
        return;
    case kLong4: {
        uint32_t length = uint32_t(read_le(4));
        if (length > uint32_t(std::numeric_limits<int32_t>::max()))
            fail("invalid pickle: negative LONG4 length");
        load_long(length);
        return;
    }
    case kBinFloat: {
        // The only big-endian field of the pickle format.
        require(8);
        uint64_t bits = 0;
        for (size_t i = 0; i < 8; ++i)
            bits = (bits << 8) | data_[pos_ + i];
        pos_ += 8;
        PickleValue value;
        value.kind = PickleKind::Float;
        std::memcpy(&value.real, &bits, sizeof value.real);
        push(add(std::move(value)));
        return;
    }

    case kShortBinUnicode:
        push(add_text(PickleKind::String, read_bytes(read_le(1))));
        return;
    case kBinUnicode:
        push(add_text(PickleKind::String, read_bytes(read_le(4))));
        return;
    case kBinUnicode8:
        push(add_text(PickleKind::String, read_bytes(read_le(8))));
        return;
    case kShortBinString:
        push(add_text(PickleKind::String, read_bytes(read_le(1))));
        return;
    case kBinString: {
        uint32_t length = uint32_t(read_le(4));
        if (length > uint32_t(std::numeric_limits<int32_t>::max()))
            fail("invalid pickle: negative BINSTRING length");
        push(add_text(PickleKind::String, read_bytes(length)));
        return;
    }
    case kShortBinBytes:
        push(add_text(PickleKind::Bytes, read_bytes(read_le(1))));
        return;
    case kBinBytes:
        push(add_text(PickleKind::Bytes, read_bytes(read_le(4))));
        return;
    case kBinBytes8:
    case kByteArray8:
        push(add_text(PickleKind::Bytes, read_bytes(read_le(8))));
        return;

    case kEmptyTuple:
        push(add_kind(PickleKind::Tuple));
        return;
    case kEmptyList:
        push(add_kind(PickleKind::List));
        return;
    case kEmptyDict:
        push(add_kind(PickleKind::Dict));
        return;
    case kTuple:
        push(add_sequence(PickleKind::Tuple, pop_to_mark()));
        return;
    case kTuple1:
    case kTuple2:
    case kTuple3: {
        std::vector<PickleValueId> items(size_t(opcode - kTuple1 + 1));
        for (size_t i = items.size(); i > 0; --i)
            items[i - 1] = pop();
        push(add_sequence(PickleKind::Tuple, std::move(items)));
        return;
    }
    case kList:
        push(add_sequence(PickleKind::List, pop_to_mark()));
        return;
    case kDict: {
        std::vector<PickleValueId> items = pop_to_mark();
        if (items.size() % 2 != 0)
            fail("invalid pickle: DICT needs key and value pairs");
        push(add_sequence(PickleKind::Dict, std::move(items)));
        return;
    }
    case kAppend: {
        PickleValueId item = pop();
        append_items({item});
        return;
    }
    case kAppends:
        append_items(pop_to_mark());
        return;
    case kSetItem: {
        PickleValueId item = pop();
        PickleValueId key = pop();
        set_items({key, item});
        return;
    }
    case kSetItems:
        set_items(pop_to_mark());
        return;

    case kBinPut:
        memo_put(read_le(1));
        return;
    case kLongBinPut:
        memo_put(read_le(4));
        return;
    case kMemoize:
        memo_put(memo_.size());
        return;
    case kBinGet:
        memo_get(read_le(1));
        return;
    case kLongBinGet:
        memo_get(read_le(4));
        return;

    case kGlobal: {
        std::string module = read_line();
        std::string name = read_line();
        load_global(module, name);
        return;
    }
    case kStackGlobal: {
        PickleValueId name = pop();
        PickleValueId module = pop();
        if (value(module).kind != PickleKind::String || value(name).kind != PickleKind::String)
            fail("invalid pickle: STACK_GLOBAL needs two strings");
        load_global(value(module).text, value(name).text);
        return;
    }
    case kReduce:
    case kNewObj: {
        PickleValueId arguments = pop();
        PickleValueId callable = pop();
        push(call(callable, arguments));
        return;
    }
    case kNewObjEx: {
        PickleValueId keyword_arguments = pop();
        PickleValueId arguments = pop();
        PickleValueId callable = pop();
        if (value(keyword_arguments).kind != PickleKind::Dict || !value(keyword_arguments).items.empty())
            fail("invalid pickle: NEWOBJ_EX with keyword arguments");
        push(call(callable, arguments));
        return;
    }
    case kBuild: {
        // BUILD sets attributes such as a state dict's _metadata; the values stay inert, so the
        // state is dropped.
        pop();
        PickleKind kind = value(top()).kind;
        if (kind != PickleKind::Dict && kind != PickleKind::Tensor && kind != PickleKind::Opaque)
            fail("invalid pickle: BUILD on a value that has no attributes");
        return;
    }
    case kBinPersId:
        push(load_persistent_id(pop()));
        return;

    default:
        fail("unsupported pickle opcode", fmt::format("0x{:02x}", opcode), kResaveHint);
    }
}

PickleValueId Unpickler::run()
{
    for (;;) {
        opcode_offset_ = pos_;
        uint8_t opcode = read_u8();
        if (opcode != kStop) {
            execute(opcode);
            continue;
        }

        PickleValueId result = pop();
        if (!stack_.empty() || !marks_.empty())
            fail("invalid pickle: values left on the stack at STOP");
        return result;
    }
}

} // namespace

PickleValueId read_pickle(const uint8_t* data, size_t size, size_t& offset, PickleObjects& objects,
                          const std::string& subject, const std::string& part)
{
    LUTGEN_ASSERT(offset <= size);
    Unpickler unpickler(data, size, offset, objects, subject, part);
    PickleValueId result = unpickler.run();
    offset = unpickler.offset();
    return result;
}

const PickleValue* find_string_key(const PickleObjects& objects, const PickleValue& dict, const std::string& key)
{
    const PickleValue* result = nullptr;
    for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
        const PickleValue& entry_key = objects.at(dict.items[i]);
        if (entry_key.kind == PickleKind::String && entry_key.text == key)
            result = &objects.at(dict.items[i + 1]);
    }
    return result;
}

} // namespace lutgen
