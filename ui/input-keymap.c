/*
 * Key tables of the input layer. Our internal key is the Linux input code
 * (linux/input-event-codes.h); these map the names front ends use onto it:
 *   - QEMU's QKeyCode names (HMP sendkey, QMP send-key "qcode");
 *   - QEMU's key numbers (XT scancode set 1; 0x80 | code for 0xe0-prefixed keys);
 *   - X11 keysyms (RFB KeyEvent, RFC 6143 7.5.4), for a US layout: the client
 *     sends its Shift key itself, so 'A' and 'a' are both KEY_A and '!' is KEY_1;
 *   - USB HID usages (SDL's scancodes), through the USB keyboard's own table.
 */
#include <ctype.h>

#include "hw/usb/hid.h"
#include "ui/input.h"

/* Linux codes of the keys we name (linux/input-event-codes.h). */
enum {
    K_ESC = 1,
    K_1,
    K_2,
    K_3,
    K_4,
    K_5,
    K_6,
    K_7,
    K_8,
    K_9,
    K_0,
    K_MINUS,
    K_EQUAL,
    K_BACKSPACE,
    K_TAB,
    K_Q,
    K_W,
    K_E,
    K_R,
    K_T,
    K_Y,
    K_U,
    K_I,
    K_O,
    K_P,
    K_LEFTBRACE,
    K_RIGHTBRACE,
    K_ENTER,
    K_LEFTCTRL,
    K_A,
    K_S,
    K_D,
    K_F,
    K_G,
    K_H,
    K_J,
    K_K,
    K_L,
    K_SEMICOLON,
    K_APOSTROPHE,
    K_GRAVE,
    K_LEFTSHIFT,
    K_BACKSLASH,
    K_Z,
    K_X,
    K_C,
    K_V,
    K_B,
    K_N,
    K_M,
    K_COMMA,
    K_DOT,
    K_SLASH,
    K_RIGHTSHIFT,
    K_KPASTERISK,
    K_LEFTALT,
    K_SPACE,
    K_CAPSLOCK,
    K_F1,
    K_F2,
    K_F3,
    K_F4,
    K_F5,
    K_F6,
    K_F7,
    K_F8,
    K_F9,
    K_F10,
    K_NUMLOCK,
    K_SCROLLLOCK,
    K_KP7,
    K_KP8,
    K_KP9,
    K_KPMINUS,
    K_KP4,
    K_KP5,
    K_KP6,
    K_KPPLUS,
    K_KP1,
    K_KP2,
    K_KP3,
    K_KP0,
    K_KPDOT,
    K_102ND = 86,
    K_F11,
    K_F12,
    K_RO,
    K_KPENTER = 96,
    K_RIGHTCTRL,
    K_KPSLASH,
    K_SYSRQ,
    K_RIGHTALT,
    K_LINEFEED,
    K_HOME,
    K_UP,
    K_PAGEUP,
    K_LEFT,
    K_RIGHT,
    K_END,
    K_DOWN,
    K_PAGEDOWN,
    K_INSERT,
    K_DELETE,
    K_MUTE = 113,
    K_VOLUMEDOWN,
    K_VOLUMEUP,
    K_POWER,
    K_KPEQUAL,
    K_PAUSE = 119,
    K_KPCOMMA = 121,
    K_YEN = 124,
    K_LEFTMETA,
    K_RIGHTMETA,
    K_COMPOSE,
    K_STOP,
    K_AGAIN,
    K_PROPS,
    K_UNDO,
    K_FRONT,
    K_COPY,
    K_OPEN,
    K_PASTE,
    K_FIND,
    K_CUT,
    K_HELP,
    K_MENU,
    K_CALC,
    K_SLEEP = 142,
    K_WAKEUP,
    K_F13 = 183,
};

typedef struct NamedKey {
    const char *name;
    int code;
} NamedKey;

/* QKeyCode names other than the letters, digits, f1-f24 and kp_0-kp_9 (computed below). */
static const NamedKey qcodes[] = {
    {"shift", K_LEFTSHIFT},
    {"shift_r", K_RIGHTSHIFT},
    {"alt", K_LEFTALT},
    {"alt_r", K_RIGHTALT},
    {"ctrl", K_LEFTCTRL},
    {"ctrl_r", K_RIGHTCTRL},
    {"menu", K_COMPOSE},
    {"esc", K_ESC},
    {"minus", K_MINUS},
    {"equal", K_EQUAL},
    {"backspace", K_BACKSPACE},
    {"tab", K_TAB},
    {"bracket_left", K_LEFTBRACE},
    {"bracket_right", K_RIGHTBRACE},
    {"ret", K_ENTER},
    {"semicolon", K_SEMICOLON},
    {"apostrophe", K_APOSTROPHE},
    {"grave_accent", K_GRAVE},
    {"backslash", K_BACKSLASH},
    {"comma", K_COMMA},
    {"dot", K_DOT},
    {"slash", K_SLASH},
    {"asterisk", K_KPASTERISK},
    {"spc", K_SPACE},
    {"caps_lock", K_CAPSLOCK},
    {"num_lock", K_NUMLOCK},
    {"scroll_lock", K_SCROLLLOCK},
    {"kp_divide", K_KPSLASH},
    {"kp_multiply", K_KPASTERISK},
    {"kp_subtract", K_KPMINUS},
    {"kp_add", K_KPPLUS},
    {"kp_enter", K_KPENTER},
    {"kp_decimal", K_KPDOT},
    {"sysrq", K_SYSRQ},
    {"less", K_102ND},
    {"home", K_HOME},
    {"pgup", K_PAGEUP},
    {"pgdn", K_PAGEDOWN},
    {"end", K_END},
    {"left", K_LEFT},
    {"up", K_UP},
    {"down", K_DOWN},
    {"right", K_RIGHT},
    {"insert", K_INSERT},
    {"delete", K_DELETE},
    {"meta_l", K_LEFTMETA},
    {"meta_r", K_RIGHTMETA},
    {"print", K_SYSRQ},
    {"pause", K_PAUSE},
    {"ro", K_RO},
    {"kp_comma", K_KPCOMMA},
    {"kp_equals", K_KPEQUAL},
    {"power", K_POWER},
    {"yen", K_YEN},
    {"sleep", K_SLEEP},
    {"wake", K_WAKEUP},
    {"audiomute", K_MUTE},
    {"volumeup", K_VOLUMEUP},
    {"volumedown", K_VOLUMEDOWN},
    {"calculator", K_CALC},
    {"stop", K_STOP},
    {"again", K_AGAIN},
    {"props", K_PROPS},
    {"undo", K_UNDO},
    {"front", K_FRONT},
    {"copy", K_COPY},
    {"open", K_OPEN},
    {"paste", K_PASTE},
    {"find", K_FIND},
    {"cut", K_CUT},
    {"lf", K_LINEFEED},
    {"help", K_HELP},
    {"compose", K_COMPOSE},
};

/* The digit row (1..0) and the letters a..z of a US layout. */
static const char digit_row[] = "1234567890";
static const uint8_t letter_codes[26] = {K_A, K_B, K_C, K_D, K_E, K_F, K_G, K_H, K_I,
                                         K_J, K_K, K_L, K_M, K_N, K_O, K_P, K_Q, K_R,
                                         K_S, K_T, K_U, K_V, K_W, K_X, K_Y, K_Z};
static const uint8_t keypad_digits[10] = {K_KP0, K_KP1, K_KP2, K_KP3, K_KP4,
                                          K_KP5, K_KP6, K_KP7, K_KP8, K_KP9};

static int function_key(int n)
{
    if (n >= 1 && n <= 10) {
        return K_F1 + n - 1;
    }
    if (n == 11 || n == 12) {
        return n == 11 ? K_F11 : K_F12;
    }
    return n >= 13 && n <= 24 ? K_F13 + n - 13 : -1;
}

static int char_key(char c)
{
    const char *d = strchr(digit_row, c);

    if (c >= 'a' && c <= 'z') {
        return letter_codes[c - 'a'];
    }
    return c && d ? K_1 + (int)(d - digit_row) : -1;
}

int input_key_from_qcode(const char *name, size_t len)
{
    if (len == 1 && (isdigit((unsigned char)name[0]) || islower((unsigned char)name[0]))) {
        return char_key(name[0]);
    }
    if ((len == 2 || len == 3) && name[0] == 'f' && strspn(name + 1, "0123456789") >= len - 1) {
        return function_key(atoi(name + 1));
    }
    if (len == 4 && !strncmp(name, "kp_", 3) && isdigit((unsigned char)name[3])) {
        return keypad_digits[name[3] - '0'];
    }
    for (size_t i = 0; i < ARRAY_SIZE(qcodes); i++) {
        if (strlen(qcodes[i].name) == len && !strncmp(qcodes[i].name, name, len)) {
            return qcodes[i].code;
        }
    }
    return -1;
}

int input_key_from_qnum(int qnum)
{
    /* The extended (0xe0) keys, by their second byte. */
    static const struct {
        uint8_t qnum;
        uint8_t code;
    } extended[] = {
        {0x9c, K_KPENTER},   {0x9d, K_RIGHTCTRL}, {0xb5, K_KPSLASH}, {0xb7, K_SYSRQ},
        {0xb8, K_RIGHTALT},  {0xc7, K_HOME},      {0xc8, K_UP},      {0xc9, K_PAGEUP},
        {0xcb, K_LEFT},      {0xcd, K_RIGHT},     {0xcf, K_END},     {0xd0, K_DOWN},
        {0xd1, K_PAGEDOWN},  {0xd2, K_INSERT},    {0xd3, K_DELETE},  {0xdb, K_LEFTMETA},
        {0xdc, K_RIGHTMETA}, {0xdd, K_COMPOSE},
    };

    if (qnum >= 1 && qnum <= K_F12 && qnum != 84 && qnum != 85) {
        return qnum; /* set 1 and Linux agree on the base block */
    }
    for (size_t i = 0; i < ARRAY_SIZE(extended); i++) {
        if (extended[i].qnum == qnum) {
            return extended[i].code;
        }
    }
    return -1;
}

/* Printable ASCII keysyms (0x20..0x7e) besides letters and digits: the key that types them. */
static const NamedKey ascii_punct[] = {
    {" ", K_SPACE},      {"!", K_1},          {"\"", K_APOSTROPHE}, {"#", K_3},
    {"$", K_4},          {"%", K_5},          {"&", K_7},           {"'", K_APOSTROPHE},
    {"(", K_9},          {")", K_0},          {"*", K_8},           {"+", K_EQUAL},
    {",", K_COMMA},      {"-", K_MINUS},      {".", K_DOT},         {"/", K_SLASH},
    {":", K_SEMICOLON},  {";", K_SEMICOLON},  {"<", K_COMMA},       {"=", K_EQUAL},
    {">", K_DOT},        {"?", K_SLASH},      {"@", K_2},           {"[", K_LEFTBRACE},
    {"\\", K_BACKSLASH}, {"]", K_RIGHTBRACE}, {"^", K_6},           {"_", K_MINUS},
    {"`", K_GRAVE},      {"{", K_LEFTBRACE},  {"|", K_BACKSLASH},   {"}", K_RIGHTBRACE},
    {"~", K_GRAVE},
};

/* Function-key keysyms (0xffxx, 0xfexx). */
static const struct {
    uint32_t keysym;
    int code;
} keysyms[] = {
    {0xff08, K_BACKSPACE},  {0xff09, K_TAB},       {0xff0d, K_ENTER},     {0xff13, K_PAUSE},
    {0xff14, K_SCROLLLOCK}, {0xff15, K_SYSRQ},     {0xff1b, K_ESC},       {0xff50, K_HOME},
    {0xff51, K_LEFT},       {0xff52, K_UP},        {0xff53, K_RIGHT},     {0xff54, K_DOWN},
    {0xff55, K_PAGEUP},     {0xff56, K_PAGEDOWN},  {0xff57, K_END},       {0xff61, K_SYSRQ},
    {0xff63, K_INSERT},     {0xff67, K_COMPOSE},   {0xff7f, K_NUMLOCK},   {0xff8d, K_KPENTER},
    {0xffaa, K_KPASTERISK}, {0xffab, K_KPPLUS},    {0xffac, K_KPCOMMA},   {0xffad, K_KPMINUS},
    {0xffae, K_KPDOT},      {0xffaf, K_KPSLASH},   {0xffbd, K_KPEQUAL},   {0xffe1, K_LEFTSHIFT},
    {0xffe2, K_RIGHTSHIFT}, {0xffe3, K_LEFTCTRL},  {0xffe4, K_RIGHTCTRL}, {0xffe5, K_CAPSLOCK},
    {0xffe7, K_LEFTMETA},   {0xffe8, K_RIGHTMETA}, {0xffe9, K_LEFTALT},   {0xffea, K_RIGHTALT},
    {0xffeb, K_LEFTMETA},   {0xffec, K_RIGHTMETA}, {0xffff, K_DELETE},    {0xfe03, K_RIGHTALT},
};

int input_key_from_keysym(uint32_t keysym)
{
    if (keysym >= 'A' && keysym <= 'Z') {
        keysym += 'a' - 'A';
    }
    if ((keysym >= 'a' && keysym <= 'z') || (keysym >= '0' && keysym <= '9')) {
        return char_key(keysym);
    }
    if (keysym >= 0x20 && keysym <= 0x7e) {
        for (size_t i = 0; i < ARRAY_SIZE(ascii_punct); i++) {
            if ((uint8_t)ascii_punct[i].name[0] == keysym) {
                return ascii_punct[i].code;
            }
        }
    }
    if (keysym >= 0xffb0 && keysym <= 0xffb9) {
        return keypad_digits[keysym - 0xffb0];
    }
    if (keysym >= 0xffbe && keysym <= 0xffd5) {
        return function_key(keysym - 0xffbe + 1);
    }
    for (size_t i = 0; i < ARRAY_SIZE(keysyms); i++) {
        if (keysyms[i].keysym == keysym) {
            return keysyms[i].code;
        }
    }
    return -1;
}

int input_key_from_hid_usage(unsigned usage)
{
    /* 256 table look-ups per key press: cheaper to read than a second table to keep in step. */
    for (int code = 1; code < 256 && usage; code++) {
        if (hid_usage_from_key(code) == usage) {
            return code;
        }
    }
    return -1;
}

int input_button_from_name(const char *name)
{
    static const char *const names[INPUT_BUTTON_MAX] = {"left",       "middle", "right", "wheel-up",
                                                        "wheel-down", "side",   "extra"};

    for (int i = 0; i < INPUT_BUTTON_MAX; i++) {
        if (!strcmp(names[i], name)) {
            return i;
        }
    }
    return -1;
}

int input_axis_from_name(const char *name)
{
    return !strcmp(name, "x") ? INPUT_AXIS_X : !strcmp(name, "y") ? INPUT_AXIS_Y : -1;
}
