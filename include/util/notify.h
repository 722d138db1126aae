/* Notifier lists: callbacks registered for an event (machine init done, reset, exit). */
#ifndef UTIL_NOTIFY_H
#define UTIL_NOTIFY_H

#include "common.h"

typedef struct Notifier Notifier;
struct Notifier {
    void (*notify)(Notifier *n, void *data);
    Notifier *next;
};

typedef struct NotifierList {
    Notifier *head;
} NotifierList;

void notifier_list_add(NotifierList *list, Notifier *n);
void notifier_remove(NotifierList *list, Notifier *n);
/* Call every notifier in the order they were added. */
void notifier_list_notify(NotifierList *list, void *data);

#endif
