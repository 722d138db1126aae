/*
 * Notifier lists: a singly linked list kept in registration order, so that
 * "machine init done" and reset callbacks run in the order boards and devices
 * registered them.
 */
#include "util/notify.h"

void notifier_list_add(NotifierList *list, Notifier *n)
{
    Notifier **link = &list->head;

    while (*link) {
        link = &(*link)->next;
    }
    n->next = NULL;
    *link = n;
}

void notifier_remove(NotifierList *list, Notifier *n)
{
    for (Notifier **link = &list->head; *link; link = &(*link)->next) {
        if (*link == n) {
            *link = n->next;
            n->next = NULL;
            return;
        }
    }
}

void notifier_list_notify(NotifierList *list, void *data)
{
    Notifier *n = list->head;

    while (n) {
        /* Read next first: a notifier may remove itself. */
        Notifier *next = n->next;
        n->notify(n, data);
        n = next;
    }
}
